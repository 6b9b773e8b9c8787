/*
 * config: (being written)
 */
#include "internal.h"
