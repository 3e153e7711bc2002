"""What the app plugs into the shell and the scores: the home box and menu (core.modules), the star metric
sources (stars.metrics, in metrics.py) and the demo part (demo.py). The worker's sweep registers itself
from worker.py (core.jobs discovers it)."""


def register() -> None:
    from gridgov.core import modules

    from . import demo, metrics

    modules.register_template(modules.HOME, "affairs/_home.html")
    modules.register_template(modules.MENU, "affairs/_menu.html")
    metrics.register()
    modules.register_demo("affairs", demo.build, 27)
