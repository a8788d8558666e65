"""The open-data catalogue against the official DCAT-AP SHACL shapes (tests/data/README.md).

The catalogue is parsed as RDF (its JSON-LD) and validated with pyshacl: 0 violations for
DCAT-AP 2.1.1 and for 3.0.0. The 3.0.0 shapes ask for ``sh:class rdfs:Resource`` on the
access and download URLs. Under RDFS entailment every IRI is a resource (the spec's intent:
the range is "any resource"), but a validator run without inference (pyshacl's default)
sees only the stated types; so the catalogue states
``rdfs:Resource`` on those IRIs and conforms with no inference at all, and still with
``-i rdfs``: both runs are checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from jembatan.dashboard import rollup as R
from jembatan.dashboard.opendata import DATASETS
from jembatan.testing.factories import serve_tenant

DATA = Path(__file__).parent / "data"
HOST = "bengkayang.example"
SHACL = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
IND = URIRef("http://publications.europa.eu/resource/authority/language/IND")
FILE_TYPES = {
    URIRef("http://publications.europa.eu/resource/authority/file-type/CSV"),
    URIRef("http://publications.europa.eu/resource/authority/file-type/JSON"),
}
MEDIA_TYPES = {
    URIRef("https://www.iana.org/assignments/media-types/text/csv"),
    URIRef("https://www.iana.org/assignments/media-types/application/json"),
}


@pytest.fixture
def catalogue(client, world, settings) -> Graph:
    settings.ALLOWED_HOSTS = ["testserver", HOST]
    serve_tenant(hosts=(HOST,))  # a second host of Bengkayang's
    settings.SITE_URL = "http://127.0.0.1:8000"  # a default on another port: never used
    R.refresh()
    response = client.get("/data/catalog.json", HTTP_HOST=HOST, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=response.content, format="json-ld")


# DCAT-AP 2.1.1 ships its constraints in two files: cardinalities and node kinds, and
# the ranges (the class of each property's value); 3.0.0 in one.
V2 = ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl")
V3 = ("dcat-ap_3.0.0_shacl_shapes.ttl",)


def _violations(data: Graph, shapes: tuple[str, ...], inference: str) -> list[str]:
    shacl = Graph()
    for name in shapes:
        shacl.parse(DATA / name, format="turtle")
    conforms, report, text = validate(
        data,
        shacl_graph=shacl,
        inference=inference,
        allow_warnings=True,
    )
    results = list(report.subjects(SHACL.resultSeverity, SHACL.Violation))
    assert conforms == (not results), text
    return [text] if results else []


@pytest.mark.parametrize(
    ("shapes", "inference"),
    [(V2, "none"), (V3, "none"), (V3, "rdfs")],
    ids=["2.1.1", "3.0.0", "3.0.0-rdfs"],
)
def test_catalogue_has_no_dcat_ap_violation(catalogue, shapes, inference):
    assert len(catalogue) > 100
    assert _violations(catalogue, shapes, inference) == []


def test_the_shapes_do_find_violations(catalogue):
    """The check can fail: a distribution without an access URL, a literal download URL
    and an untyped date are each reported by both versions."""
    distribution = next(catalogue.subjects(RDF.type, DCAT.Distribution))
    catalogue.remove((distribution, DCAT.accessURL, None))
    catalogue.add((distribution, DCAT.downloadURL, Literal("https://x.example/a.csv")))
    for shapes, inference in ((V2, "none"), (V3, "none"), (V3, "rdfs")):
        assert _violations(catalogue, shapes, inference), shapes


def test_the_range_shapes_want_the_vocabulary_classes(catalogue):
    """A licence or a format given as a bare IRI, without its class, breaks 2.1.1's
    range constraints (and 3.0.0's sh:class)."""
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    catalogue.remove((licence, RDF.type, DCTERMS.LicenseDocument))
    assert _violations(catalogue, V2, "none")
    assert _violations(catalogue, V3, "rdfs")


def test_catalogue_links_licence_and_vocabularies_are_iris(catalogue):
    (cat,) = catalogue.subjects(RDF.type, DCAT.Catalog)
    assert str(cat) == f"https://{HOST}/data/catalog.json"
    # The catalogue's publisher (an agent with a name) and its description.
    (publisher,) = catalogue.objects(cat, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalogue
    assert "Bengkayang" in str(catalogue.value(publisher, FOAF.name))
    assert isinstance(catalogue.value(cat, DCTERMS.description), Literal)
    assert (cat, DCTERMS.language, IND) in catalogue
    datasets = set(catalogue.objects(cat, DCAT.dataset))
    assert {str(catalogue.value(d, DCTERMS.identifier)) for d in datasets} == set(DATASETS)
    distributions = list(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 2 * len(DATASETS)
    for d in distributions:
        for prop in (DCAT.downloadURL, DCAT.accessURL):
            url = catalogue.value(d, prop)
            assert isinstance(url, URIRef), prop
            assert str(url).startswith(f"https://{HOST}/data/"), url
        assert catalogue.value(d, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
        assert catalogue.value(d, DCTERMS["format"]) in FILE_TYPES
        assert catalogue.value(d, DCAT.mediaType) in MEDIA_TYPES
        assert (d, DCTERMS.language, IND) in catalogue
    assert "127.0.0.1" not in catalogue.serialize(format="nt")


def test_catalogue_dates_are_typed(catalogue):
    dates = list(catalogue.objects(None, DCTERMS.modified))
    assert len(dates) == len(DATASETS) + 1
    assert all(isinstance(d, Literal) and d.datatype == XSD.date for d in dates)


def test_dataset_links_are_on_the_host_asked(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver", HOST]
    serve_tenant(hosts=(HOST,))  # a second host of Bengkayang's
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = client.get("/data/kim.json", HTTP_HOST=HOST)
    body = b"".join(response.streaming_content).decode()
    assert f'"situs": "http://{HOST}/kim/' in body
    assert "127.0.0.1" not in body
