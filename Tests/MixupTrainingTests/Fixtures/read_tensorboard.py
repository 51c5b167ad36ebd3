"""Reads a run directory with TensorBoard's own EventAccumulator and prints, as one JSON object on
stdout, the file version and every scalar: {"file_version": 2.0, "scalars": {tag: [[step, value], ...]}}.

TensorBoardTests runs it (Python with the `tensorboard` package: MIXUPLAB_PYTHON or python3) to
check that TensorBoard reads our event files to the same tags, steps and values as we wrote.
Usage: python3 read_tensorboard.py RUN_DIRECTORY
"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})  # 0: keep every value
accumulator.Reload()
scalars = {tag: [[event.step, event.value] for event in accumulator.Scalars(tag)]
           for tag in accumulator.Tags()["scalars"]}
print(json.dumps({"file_version": accumulator.file_version, "scalars": scalars}, sort_keys=True))
