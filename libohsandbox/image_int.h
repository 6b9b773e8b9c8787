/*
 * image: the image-reference grammar ("[domain[:port]/]path[:tag][@digest]"),
 * one copy for the library.  Pure: strings in, strings or an error out.
 * Used by config.c (ohs_config_set_image), env.c (AGENT_SERVER_IMAGE_* and the
 * build's default image) and session.c (the pull's repository and tag).
 * Not installed.
 */
#ifndef OHS_IMAGE_INT_H
#define OHS_IMAGE_INT_H

#include "internal.h"

/*
 * Validate a full image reference ("[domain[:port]/]path[:tag][@digest]").
 * On error sets a message `image reference "REF": <what is wrong>` and
 * returns OHS_EINVAL.
 */
int ohs__image_check(const char *ref) OHS_INTERNAL;

/* Validate a repository name only (no tag, no digest). */
int ohs__image_check_repository(const char *repo) OHS_INTERNAL;

/* Validate a tag only. */
int ohs__image_check_tag(const char *tag) OHS_INTERNAL;

/*
 * Split a reference into repository and tag: the tag follows the last ':'
 * after the last '/'; no tag gives "latest".  With a digest ('@'):
 * keep_digest set gives everything before the '@' as the repository and the
 * digest as the tag (what POST /images/create?fromImage=&tag= takes);
 * keep_digest clear drops the digest and splits what precedes it.  Both
 * strings are newly allocated; returns 0 or OHS_ENOMEM.  No validation.
 */
int ohs__image_split(const char *ref, int keep_digest, char **repo, char **tag) OHS_INTERNAL;

/*
 * Split the build's default image (OHS_DEFAULT_IMAGE) as ohs__image_split
 * does with keep_digest clear.
 */
int ohs__image_split_default(char **repo, char **tag) OHS_INTERNAL;

#endif
