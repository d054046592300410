/* zone_builder: assembles a zone's flat ring arrays polygon by polygon (from
 * GEOS geometries or from computed shapes such as circles), normalises ring
 * orientation, then hands the shape to zone_build_index. */
#include "geo/geo_internal.h"

#include <stdlib.h>
#include <string.h>

static void *grow(void *array, size_t *capacity, size_t needed, size_t item_size) {
    if (needed <= *capacity) return array;
    size_t capacity_wanted = *capacity ? *capacity : 8;
    while (capacity_wanted < needed) capacity_wanted *= 2;
    *capacity = capacity_wanted;
    return xrealloc(array, capacity_wanted * item_size);
}

double ring_signed_area(const double *lon_lat, size_t count) {
    double twice_area = 0;
    for (size_t i = 0; i + 1 < count; i++)
        twice_area += lon_lat[2 * i] * lon_lat[2 * i + 3] - lon_lat[2 * i + 2] * lon_lat[2 * i + 1];
    return twice_area / 2;
}

void zone_builder_begin_polygon(zone_builder_t *builder) {
    builder->polygon_start = grow(builder->polygon_start, &builder->polygon_capacity,
                                  builder->polygon_count + 2, sizeof *builder->polygon_start);
    builder->polygon_start[builder->polygon_count++] = builder->ring_count;
}

void zone_builder_add_ring(zone_builder_t *builder, const double *lon_lat, size_t count) {
    builder->ring_start = grow(builder->ring_start, &builder->ring_capacity,
                               builder->ring_count + 2, sizeof *builder->ring_start);
    builder->coordinates = grow(builder->coordinates, &builder->vertex_capacity,
                                builder->vertex_count + count, 2 * sizeof *builder->coordinates);
    bool is_shell = builder->ring_count == builder->polygon_start[builder->polygon_count - 1];
    bool counterclockwise = ring_signed_area(lon_lat, count) > 0;
    bool reverse = is_shell != counterclockwise;
    double *out = builder->coordinates + 2 * builder->vertex_count;
    for (size_t i = 0; i < count; i++) {
        size_t from = reverse ? count - 1 - i : i;
        out[2 * i] = lon_lat[2 * from];
        out[2 * i + 1] = lon_lat[2 * from + 1];
    }
    builder->ring_start[builder->ring_count++] = builder->vertex_count;
    builder->vertex_count += count;
}

void zone_builder_free(zone_builder_t *builder) {
    free(builder->coordinates);
    free(builder->ring_start);
    free(builder->polygon_start);
    memset(builder, 0, sizeof *builder);
}

zone_t *zone_builder_finish(zone_builder_t *builder, const char *name, diagnostic_t *error) {
    zone_t *zone = xcalloc(1, sizeof *zone);
    /* The arrays always have room for the closing entries. */
    builder->ring_start = grow(builder->ring_start, &builder->ring_capacity, builder->ring_count + 1,
                               sizeof *builder->ring_start);
    builder->polygon_start = grow(builder->polygon_start, &builder->polygon_capacity,
                                  builder->polygon_count + 1, sizeof *builder->polygon_start);
    builder->ring_start[builder->ring_count] = builder->vertex_count;
    builder->polygon_start[builder->polygon_count] = builder->ring_count;
    zone->coordinates = builder->coordinates ? builder->coordinates : xmalloc(2 * sizeof(double));
    zone->vertex_count = builder->vertex_count;
    zone->ring_start = builder->ring_start;
    zone->ring_count = builder->ring_count;
    zone->polygon_start = builder->polygon_start;
    zone->polygon_count = builder->polygon_count;
    memset(builder, 0, sizeof *builder);
    if (!zone_build_index(zone)) {
        if (error) diagnostic_set(error, name, 0, 0, "zone too large to index (%zu vertices)", zone->vertex_count);
        zone_free(zone);
        return NULL;
    }
    return zone;
}
