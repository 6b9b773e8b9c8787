/*
 * archive: (being written)
 */
#include "internal.h"
