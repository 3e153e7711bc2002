"""Five-star metric sources (gridgov.stars.metrics) of village affairs: filled in by the metrics work."""


def register() -> None:
    pass
