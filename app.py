"""Start the chat: `python app.py [--index DIR] [--port N] [--host ADDR]` is `rag serve`."""
import sys

from rag.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
