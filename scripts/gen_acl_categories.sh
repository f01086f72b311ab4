#!/bin/sh
# Regenerates src/main/resources/io/mnemos/acl/redis-acl-categories.txt from a running redis-server 7.0:
# every command and subcommand of Redis with its ACL categories (ACL CAT <category> for each category).
# Mnemos's ACL model counts these, so category "best fit" descriptions in ACL LIST/GETUSER and ACL CAT
# match Redis even for commands Mnemos does not implement.
# usage: scripts/gen_acl_categories.sh PORT > src/main/resources/io/mnemos/acl/redis-acl-categories.txt
set -e
PORT=${1:-6379}
for cat in $(redis-cli -p "$PORT" acl cat); do
  redis-cli -p "$PORT" acl cat "$cat" | sed "s/\$/	$cat/"
done | awk -F'\t' '{ if ($1 in c) c[$1] = c[$1] "," $2; else { c[$1] = $2; order[n++] = $1 } }
  END { for (i = 0; i < n; i++) print order[i] "\t" c[order[i]] }' | sort
