#!/bin/sh
# Prints create-mail-session.asadmin, with SMTP authentication added when SMTP_USER is set:
#   server-config/payara/configure.sh > /tmp/taskq-mail.asadmin
# The printed file still says ${ENV=SMTP_USER} and ${ENV=SMTP_PASSWORD}: the password is read from the server's
# environment and is written neither to that file nor to domain.xml.
set -eu
file="$(dirname "$0")/create-mail-session.asadmin"
if [ -n "${SMTP_USER:-}" ]; then
    sed 's/ --mailuser=taskq / --mailuser=${ENV=SMTP_USER} --password=${ENV=SMTP_PASSWORD} --auth=true /' "$file"
else
    cat "$file"
fi
