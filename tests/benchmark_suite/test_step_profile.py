"""benchmarks.step_profile names every call of a step, and its A/B runs both peers (no timing)."""

from benchmarks import step_profile


def test_profile_times_each_call_of_the_dae_step():
    rows = step_profile.profile("dae", 2)
    names = [name for name, _, _ in rows]
    assert names[0] == "noise and load" and names[-1] == "update" and "loss" in names
    assert sum(name.split()[1:2] == ["dot"] for name in names) == 17  # 6 layers: 6 + 6 + 5 products
    assert all(0 < low <= mid for _, low, mid in rows)


def test_ab_alternates_the_split_and_the_unsplit_step():
    result = step_profile.alternate(rounds=2, batches=1)
    assert {k: len(v) for k, v in result["seconds_per_step"].items()} == {
        "split": 2,
        "openblas-threads": 2,
    }
    assert result["speedup_median_of_rounds"] > 0
