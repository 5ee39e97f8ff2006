"""engine/resume.py: where a fit restarts after a BackupAndRestore restore."""

from kerasbridge.callbacks import BackupAndRestore, CallbackList, EarlyStopping, History
from kerasbridge.callbacks.training_state import ResumePoint, set_resume_point
from kerasbridge.engine import resume


class Batches(list):
    num_batches = 5


def test_skipped_steps_become_markers_in_the_first_epoch_only():
    seen = []
    wrapped = resume.SkipDoneSteps(Batches(range(5)), 2, on_first_step=seen.append)
    assert len(wrapped) == 5
    assert wrapped.num_batches == 5
    assert list(wrapped) == [resume.SKIPPED_STEP, resume.SKIPPED_STEP, 2, 3, 4]
    assert seen == [1]  # called with the last skipped batch
    assert list(wrapped) == [0, 1, 2, 3, 4]
    assert seen == [1]


def test_state_comes_back_before_the_next_batch_is_drawn():
    events = []

    def batches():
        for i in range(4):
            events.append(f"draw {i}")
            yield i

    wrapped = resume.SkipDoneSteps(batches(), 2, on_first_step=lambda batch: events.append(f"restore {batch}"))
    for _ in wrapped:
        pass
    assert events == ["draw 0", "draw 1", "restore 1", "draw 2", "draw 3"]


def test_a_fully_done_epoch_calls_back_with_its_last_batch():
    seen = []
    wrapped = resume.SkipDoneSteps(Batches(range(3)), 3, on_first_step=seen.append)
    assert list(wrapped) == [resume.SKIPPED_STEP] * 3
    assert seen == [2]


def test_markers_are_recognised():
    assert resume.is_skipped_step(resume.SKIPPED_STEP)
    assert not resume.is_skipped_step((1, 2))


def test_skip_done_steps_counts_steps_of_grouped_batches():
    point = ResumePoint(epoch=1, steps_done=5)
    wrapped = resume.skip_done_steps(Batches(range(4)), point, steps_per_execution=2)
    assert wrapped.steps == 3  # batches 0..4 were done: groups 0, 1 and 2 (partly) ran
    assert resume.skip_done_steps(Batches(range(4)), ResumePoint(epoch=1), 1) == [0, 1, 2, 3]
    assert resume.skip_done_steps(Batches(range(4)), None) == [0, 1, 2, 3]


class FakeModel:
    pass


def test_resumed_initial_epoch_takes_the_pending_point_once():
    model = FakeModel()
    assert resume.resumed_initial_epoch(model, 2) == (2, None)
    point = ResumePoint(epoch=4, steps_done=1)
    set_resume_point(model, point)
    assert resume.resumed_initial_epoch(model, 0) == (4, point)
    assert resume.resumed_initial_epoch(model, 0) == (0, None)


def test_backup_callbacks_move_last_and_get_the_list(tmp_path):
    backup, stop = BackupAndRestore(tmp_path), EarlyStopping()
    callbacks = CallbackList([backup, stop], add_history=True)
    resume.move_backup_callbacks_last(callbacks)
    assert [type(cb) for cb in callbacks.callbacks] == [EarlyStopping, History, BackupAndRestore]
    assert backup._callbacks is callbacks.callbacks
