/* board: prints rulings for people (the terminal board and --explain). */
#ifndef TRUCE_CLI_BOARD_H
#define TRUCE_CLI_BOARD_H

#include <stdio.h>
#include "engine/engine.h"

/* color_option: -1 when out is a terminal, 0 never, 1 always. */
void board_print(FILE *out, const agreement_t *agreement, const rulings_t *rulings, int color_option);
/* Every ruling's changes of status, one line per point and party. */
void board_history(FILE *out, const agreement_t *agreement, const rulings_t *rulings);
/* The point must exist. */
void board_explain(FILE *out, const agreement_t *agreement, const rulings_t *rulings, const char *label);

#endif
