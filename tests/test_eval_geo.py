"""The geo evaluation's corpus readers, on small files written here in each corpus' format."""

from parley.evaluation.geo import read_gwn, read_lgl

TEXT = "Talks moved from Geneva to Riyadh."


def test_geowebnews_reader_keeps_toponyms_with_coordinates(tmp_path):
    path = tmp_path / "gwn.xml"
    path.write_text(f"""<articles><article file="7"><text>{TEXT}</text><toponyms>
      <toponym><start>17</start><end>23</end><latitude>46.2</latitude><longitude>6.15</longitude></toponym>
      <toponym><start>27</start><end>33</end><latitude></latitude><longitude>46.7</longitude></toponym>
    </toponyms></article></articles>""", encoding="utf-8")
    [doc] = read_gwn(path)
    assert doc.id == "gwn-7" and doc.text == TEXT
    assert [(t.start, t.end, t.text, t.lat, t.lon) for t in doc.toponyms] == [
        (17, 23, "Geneva", 46.2, 6.15)]


def test_lgl_reader_takes_coordinates_from_the_gaztag(tmp_path):
    path = tmp_path / "lgl.xml"
    path.write_text(f"""<articles><article docid="42"><text>{TEXT}</text><toponyms>
      <toponym><start>17</start><end>23</end></toponym>
      <toponym><start>27</start><end>33</end><gaztag><lat>24.69</lat><lon>46.72</lon></gaztag></toponym>
    </toponyms></article></articles>""", encoding="utf-8")
    [doc] = read_lgl(path)
    assert doc.id == "lgl-42"
    assert [(t.text, t.lat, t.lon) for t in doc.toponyms] == [("Riyadh", 24.69, 46.72)]
