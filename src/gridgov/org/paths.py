"""The town and village of a materialised path ("445321.104.201.g003." -> town "445321.104.",
village "445321.104.201."), for apps that group records by town or village without a join."""


def _head(path: str, depth: int) -> str:
    parts = [p for p in (path or "").split(".") if p]
    return ".".join(parts[:depth]) + "." if len(parts) >= depth else ""


def town_path(path: str) -> str:
    """The town of a node's path; "" above a town."""
    return _head(path, 2)


def village_path(path: str) -> str:
    """The village of a node's path; "" above a village."""
    return _head(path, 3)
