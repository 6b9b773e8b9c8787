/*
 * stream: (being written)
 */
#include "internal.h"
