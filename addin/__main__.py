"""`python -m addin`, and the `jiceng` command (`run`)."""


def run() -> None:
    """The command line. A Ctrl-C that comes before a command takes it over — even while the
    command line is still being imported — ends the run in a sentence, never a traceback."""
    try:
        from .cli import main

        main()
    except KeyboardInterrupt:
        from .interrupt import stopped_at_once

        stopped_at_once()


if __name__ == "__main__":
    run()
