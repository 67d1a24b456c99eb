"""Helpers shared by the tests: file-backed sound devices, audio files, system tools, the
reference receiver as a process, the CLI as a process and the window. Test modules import
from here, never from each other; tests/conftest.py turns them into fixtures."""
