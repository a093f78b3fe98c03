"""audioguide: turn written health information into an accessible audio guide."""

__version__ = "0.1.0"
