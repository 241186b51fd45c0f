"""``python -m gvc``: the same command line as the ``gvc`` script (:func:`gvc.cli.main`)."""

from gvc.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
