"""site-builder: a static-site generator for public mental-health service directories."""

__version__ = "0.1.0"
