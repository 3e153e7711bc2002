import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = "Serve gridgov with gunicorn (several worker processes), the production server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(2 * multiprocessing.cpu_count() + 1, 9))
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collecting static files.")

    def handle(self, *args, **opts):
        from gunicorn.app.base import BaseApplication

        from gridgov.wsgi import application

        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{opts['host']}:{opts['port']}")
                self.cfg.set("workers", opts["workers"])
                self.cfg.set("accesslog", "-")
                # Path only, never the query string: searches carry ID numbers and phones (?q=).
                self.cfg.set("access_log_format", '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms')
                self.cfg.set("timeout", 120)

            def load(self):
                return application

        self.stdout.write(f"gridgov serving on http://{opts['host']}:{opts['port']}/ with {opts['workers']} workers")
        # The start checks (the data key's fingerprint) queried the database in this process: a connection
        # left open here would be inherited by every forked worker, and workers answering at the same time
        # on one socket read each other's replies (500s, "lost synchronization with server").
        connections.close_all()
        Server().run()
