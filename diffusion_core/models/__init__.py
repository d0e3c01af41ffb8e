"""The nets: recipes and their training, export and cards, the bundles the app serves, loading them, and the digit
classifier that scores them."""
