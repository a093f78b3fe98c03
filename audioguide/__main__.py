"""``python -m audioguide`` and the ``audioguide`` command (its entry point is ``run``).

The command's console script imports its entry point's module at its top,
and every speech worker, being spawned, runs that script again first (as
``__mp_main__``). So this module imports nothing until ``run`` is called: a
worker starts without loading the whole program (about 0.3 s of CPU each).
"""


def run() -> None:
    from .cli import main

    main(prog_name="audioguide")


if __name__ == "__main__":
    run()
