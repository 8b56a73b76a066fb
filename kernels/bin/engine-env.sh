# Sourced by ../../tokenlab and by tokenlab-kernel: reads an engine.env that `./tokenlab setup`'s engine
# check wrote and exports the oneDNN instruction-set cap it records, if it records one.
use_engine_env() { # FILE
  # shellcheck disable=SC1090
  source "$1"
  if [[ -n "${TOKENLAB_ONEDNN_MAX_CPU_ISA:-}" ]]; then
    export TOKENLAB_ONEDNN_MAX_CPU_ISA ONEDNN_MAX_CPU_ISA="$TOKENLAB_ONEDNN_MAX_CPU_ISA"
  fi
}
