#!/bin/sh
# Prints create-mail-session.asadmin, with SMTP authentication added when SMTP_USER is set and not empty:
#   server-config/payara/configure.sh > /tmp/taskq-mail.asadmin
# The printed file says ${ENV=SMTP_USER} and ${ENV=SMTP_PASSWORD}, not their values: the password is not written to it.
set -eu
file="$(dirname "$0")/create-mail-session.asadmin"
if [ -n "${SMTP_USER:-}" ]; then
    sed 's/ --mailuser=taskq / --mailuser="${ENV=SMTP_USER}" --password="${ENV=SMTP_PASSWORD}" --auth=true /' "$file"
else
    cat "$file"
fi
