#!/usr/bin/env bash
# Runs the sandbox (packages/sandbox: git, git-sync, Airflow 2 and 3, Kubernetes,
# AWS on 127.0.0.1) and then the portal's dev servers (frontend :3000, backend
# :7007) until stopped. Used by `make start` and by the browser tests; expects
# scripts/env.sh sourced. The sandbox keeps its world in .data/sandbox.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .data

yarn workspace @crawler-platform/sandbox start --data "$PWD/.data/sandbox" \
  > >(sed -u 's/^/[sandbox] /') 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT INT TERM

# Start the portal as soon as the sandbox's servers listen; seeding the world
# (images, DAG repository, first git-sync) goes on while the backend boots.
for _ in $(seq 1 120); do
  if curl -s -o /dev/null http://127.0.0.1:7190/airflow2/; then
    break
  fi
  if ! kill -0 $sandbox 2>/dev/null; then
    echo "The sandbox stopped during start-up; see the [sandbox] lines above." >&2
    exit 1
  fi
  sleep 1
done

# The backend reaches the sandbox's AWS endpoint (CodeCommit GetFile for DAG
# file claims) with the AWS SDK's default credential chain: the sandbox's fixed
# dummy pair, which only the sandbox on 127.0.0.1 accepts.
export AWS_ACCESS_KEY_ID=AKIASANDBOXEXAMPLE00
export AWS_SECRET_ACCESS_KEY=sandbox/secret/access/key/not-a-real-one
export AWS_REGION=eu-west-1
unset AWS_PROFILE AWS_SESSION_TOKEN

yarn start
