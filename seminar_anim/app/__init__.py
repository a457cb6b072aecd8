"""The command line: the commands, the scene catalogue and the options a user chooses."""
