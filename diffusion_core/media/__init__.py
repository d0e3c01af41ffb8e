"""Pictures in and out: frames and GIFs, safe image loading, points and arrows drawn, matplotlib figures, metrics."""
