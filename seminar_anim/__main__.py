"""`python -m seminar_anim` runs the CLI."""

from seminar_anim.app.cli import main

# Guarded: --jobs starts worker processes with 'spawn', which import this module again.
if __name__ == "__main__":
    main()
