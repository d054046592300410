/* place_versions: places whose geometry changes over time (a line of contact
 * that moved at Debaltseve on 18 February 2015):
 *   place loc "…" file "loc-2015-02-12.geojson" until 2015-02-18
 *   place loc "…" file "loc-2015-02-18.geojson" from 2015-02-18
 * Each declaration with a period adds a version; periods are half-open
 * [from, until) and must not overlap. A report is tested against the version
 * in force at its time (place_zone_at). */
#include "agreement/parser.h"

#include <stdlib.h>
#include <string.h>

static bool overlaps(time_ms_t from_a, time_ms_t until_a, time_ms_t from_b, time_ms_t until_b) {
    bool a_before_b = until_a != TIME_NONE && from_b != TIME_NONE && until_a <= from_b;
    bool b_before_a = until_b != TIME_NONE && from_a != TIME_NONE && until_b <= from_a;
    return !a_before_b && !b_before_a;
}

static void release(place_t *place) {
    zone_free(place->zone);
    line_free(place->polyline);
    place->zone = NULL;
    place->polyline = NULL;
}

/* Inserts a version keeping the versions in time order; the place's zone and
 * polyline become the latest version's. */
static void insert_version(place_t *place, place_version_t version) {
    place->versions = xrealloc(place->versions, sizeof *place->versions * (size_t)(place->version_count + 1));
    int at = place->version_count;
    while (at > 0 && place->versions[at - 1].from != TIME_NONE &&
           (version.from == TIME_NONE || version.from < place->versions[at - 1].from))
        at--;
    memmove(&place->versions[at + 1], &place->versions[at], sizeof *place->versions * (size_t)(place->version_count - at));
    place->versions[at] = version;
    place->version_count++;
    place->zone = place->versions[place->version_count - 1].zone;
    place->polyline = place->versions[place->version_count - 1].polyline;
}

static place_version_t version_of(const place_t *place) {
    return (place_version_t){place->zone, place->polyline, place->from, place->until, place->file, place->line};
}

bool parser_place_declare(parser_t *p, place_t *place, bool broken) {
    bool has_period = place->from != TIME_NONE || place->until != TIME_NONE;
    if (has_period && place->from != TIME_NONE && place->until != TIME_NONE && place->until <= place->from) {
        release(place);
        return parser_error_at_name(p, "place '%s': its period ends before it begins", place->name);
    }
    int existing = agreement_place(p->a, text_of(place->name));
    if (existing < 0) {
        if (has_period && !broken && (place->zone || place->polyline)) {
            place_version_t first = version_of(place);
            insert_version(place, first);
        }
        *GROW(p->a->places, p->a->place_count) = *place;
        *GROW(p->place_broken, p->place_broken_count) = broken;
        return true;
    }
    place_t *old = &p->a->places[existing];
    if (!has_period || !old->version_count) {
        release(place);
        return parser_error_at_name(p, "place '%s' is declared twice (to declare versions in time, give each one "
                                       "`from DATE` or `until DATE`)", place->name);
    }
    if (broken) return false;   /* its own error is reported */
    if ((old->polyline != NULL) != (place->polyline != NULL)) {
        release(place);
        return parser_error_at_name(p, "place '%s': every version must be a line, or every version a zone", place->name);
    }
    for (int v = 0; v < old->version_count; v++)
        if (overlaps(old->versions[v].from, old->versions[v].until, place->from, place->until)) {
            release(place);
            return parser_error_at_name(p, "place '%s': this version overlaps the one declared on line %d "
                                           "(periods are [from, until) and must not overlap)",
                                        place->name, old->versions[v].line);
        }
    insert_version(old, version_of(place));
    old->illustrative = old->illustrative || place->illustrative;
    return true;
}
