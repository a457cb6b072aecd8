"""seminar-anim: animated lecture videos of an introductory PyTorch seminar, numbers computed live."""

__version__ = "0.1.0"
