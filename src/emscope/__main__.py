"""`python -m emscope` runs the CLI."""

from emscope.cli.app import main

main()
