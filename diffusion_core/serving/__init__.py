"""Serving many learners at once: one engine batching every run's network calls, admission by cost, call costs."""
