"""The Gradio interface: one module per tab plus shared helpers. No tensor math here."""
