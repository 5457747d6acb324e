"""The chart rules catch untitled charts and unlabelled or unit-less axes."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lab.chart_rules import problems


def test_a_complete_chart_passes():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [1, 4, 9])
    ax.set(title="Attempts against k", xlabel="k (bits)", ylabel="attempts [count]")
    assert problems(fig) == []
    plt.close(fig)


def test_missing_title_label_and_unit_are_each_reported():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    ax.set_xlabel("time")
    found = problems(fig)
    plt.close(fig)
    assert any("no title" in p for p in found)
    assert any("x label 'time' gives no unit" in p for p in found)
    assert any("y axis has no label" in p for p in found)


def test_categorical_axes_and_drawings_are_exempt():
    fig, (bars, drawing) = plt.subplots(1, 2)
    bars.bar(["naive", "midstate"], [1.0, 4.0])
    bars.set(title="Hash rate", ylabel="hash rate (H/s)")
    drawing.imshow([[0, 1], [1, 0]])
    drawing.axis("off")
    assert problems(fig) == []
    plt.close(fig)


def test_a_colour_bar_needs_only_a_label_with_its_unit():
    fig, ax = plt.subplots()
    points = ax.scatter([1, 2, 3], [1, 4, 9], c=[0.96, 1.0, 1.04])
    ax.set(title="Voltage by bus", xlabel="distance (km)", ylabel="row [strand]")
    bar = fig.colorbar(points, ax=ax, label="bus voltage (p.u.)")
    assert problems(fig) == []
    bar.set_label("bus voltage")
    assert problems(fig) == ["a colour bar's label 'bus voltage' gives no unit, e.g. '(p.u.)'"]
    plt.close(fig)


def test_a_twin_axis_shares_its_siblings_title_and_x_label_but_needs_its_own_unit():
    fig, ax = plt.subplots()
    ax.bar([1, 2], [3, 4])
    ax.set(title="Traded energy and price", xlabel="slot (15 min)", ylabel="energy (kWh)")
    price = ax.twinx()
    price.plot([1, 2], [0.1, 0.2])
    price.set_ylabel("price (ETH/kWh)")
    assert problems(fig) == []
    price.set_ylabel("price")
    assert problems(fig) == ["'Traded energy and price': the y label 'price' gives no unit, e.g. '(s)'"]
    plt.close(fig)
