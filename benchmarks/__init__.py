"""Speed and correctness figures, measured against ffmpeg in the same run."""
