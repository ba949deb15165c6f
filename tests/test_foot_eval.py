"""The foot stage's measuring command: its suites and its arguments."""

from __future__ import annotations

import pytest

from coach.foot_eval import main, synthetic_suite


def test_the_tuning_and_held_out_suites_share_no_clip() -> None:
    tuning = synthetic_suite(3.0)
    held_out = synthetic_suite(6.0, seeds=(20, 21))
    assert len(tuning) == len(held_out) == 8
    assert not {c.seed for c in tuning} & {c.seed for c in held_out}
    # Both views and both feet in each.
    for suite in (tuning, held_out):
        assert {(c.view, c.side) for c in suite} == {
            (v, s) for v in ("sole", "top") for s in ("left", "right")
        }
    assert all(c.duration_s == 6.0 for c in held_out)


@pytest.mark.parametrize("seeds", ["", "20,x", "1.5"])
def test_bad_seeds_are_one_line_and_exit_2(seeds: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--synth", "--seeds", seeds]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--seeds" in err
