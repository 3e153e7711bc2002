def build() -> str:
    """Load this app's demo data into the demo town; returns one line for the demo command's output."""
    return ""
