"""`python -m seminar_anim` runs the CLI."""

from seminar_anim.cli import main

main()
