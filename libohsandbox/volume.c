/*
 * volume: (being written)
 */
#include "internal.h"
