"""Admission by cost (diffusion_core.serving.admission), on a fake clock: who is let in, who is told to wait, and how long."""
import pytest

from diffusion_core.serving.admission import Admission, Refused


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_runs_are_let_in_while_the_work_fits_the_bound_and_refused_with_the_wait_past_it():
    clock = Clock()
    gate = Admission(bound_s=10.0, clock=clock)
    tickets = [gate.enter(3.0) for _ in range(3)]                  # 9 s of work in
    assert all(isinstance(t, int) for t in tickets) and gate.running == 3
    no = gate.enter(3.0)                                            # 12 s > 10 s
    assert isinstance(no, Refused)
    assert no.backlog_s == pytest.approx(9.0) and no.wait_s == pytest.approx(2.0)
    clock.now += 1.5                                                # 1.5 s of shared work done: 7.5 s left
    assert gate.backlog() == pytest.approx(7.5)
    assert isinstance(gate.enter(3.0), Refused)                     # 10.5 s still > 10 s
    clock.now += 0.6
    assert isinstance(gate.enter(3.0), int)                         # 6.9 + 3 = 9.9 s: in


def test_a_long_run_alone_is_let_in_and_leaving_frees_its_unfinished_work():
    clock = Clock()
    gate = Admission(bound_s=10.0, clock=clock)
    long = gate.enter(200.0)                      # DDPM 1000 on the teacher: alone, it runs (its time was told)
    assert isinstance(long, int)
    assert isinstance(gate.enter(1.0), Refused)   # behind 200 s of work: wait
    clock.now += 5
    assert gate.backlog() == pytest.approx(195.0)
    gate.leave(long)                              # stopped: its 195 s leave with it
    assert gate.backlog() == 0.0 and gate.running == 0
    assert isinstance(gate.enter(1.0), int)


def test_shared_work_is_taken_off_in_equal_shares_and_a_finished_run_stops_counting():
    clock = Clock()
    gate = Admission(bound_s=100.0, clock=clock)
    a, b = gate.enter(1.0), gate.enter(5.0)
    clock.now += 3.0           # 2 s with two runs (1 s each: a is done), then 1 s for b alone
    assert gate.backlog() == pytest.approx(3.0)
    gate.leave(a)
    gate.leave(b)
    assert gate.running == 0
    with pytest.raises(ValueError):
        Admission(bound_s=0)
