/** An OBO term IRI as the CURIE consent scopes use (http://purl.obolibrary.org/obo/MONDO_0018874 -> MONDO:0018874). */
export function curieOf(iri: string): string {
  const match = /^https?:\/\/purl\.obolibrary\.org\/obo\/([A-Za-z]+)_(\w+)$/.exec(iri);
  return match ? `${match[1]}:${match[2]}` : iri;
}
