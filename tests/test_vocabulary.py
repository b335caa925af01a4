"""The statuses are defined once, as data (povlib/vocabulary/statuses.csv), and the
observations' schema lists the same ones."""

from povlib import tables, vocabulary


def test_the_schema_lists_the_vocabulary_statuses():
    fields = {
        f["name"]: f
        for r in tables.descriptor()["resources"]
        if r["name"] == "observations"
        for f in r["schema"]["fields"]
    }
    assert fields["status"]["constraints"]["enum"] == list(vocabulary.statuses().index)


def test_ranks_roles_and_settled():
    assert vocabulary.settled() == ["approved", "reported"]
    assert vocabulary.counted() == ["approved", "reported", "preliminary"]
    assert vocabulary.of_role("target") == ["target", "plan"]
    # the inverse of the ranks of outcomes: the least settled of two inputs is found by rank
    assert vocabulary.outcome_by_rank() == {0: "approved", 1: "reported", 2: "preliminary", 3: "estimate"}
    assert vocabulary.rank()["plan"] == 1 and vocabulary.labels("vi")["estimate"] == "ước tính"
