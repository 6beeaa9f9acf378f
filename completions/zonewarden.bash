# bash completion for zonewarden(1): subcommands, their options and some option values.
# The option lists come from the installed binary's own --help texts, so they follow the
# binary (tests/integration/05-help-options.sh keeps --help equal to the parsers).
# Installed by `make install` as share/bash-completion/completions/zonewarden.

_zonewarden_cmds()
{
    "$1" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}

_zonewarden_opts()
{
    "$1" "$2" --help 2>/dev/null | grep -oE -- '(^|[ ,[(|])--?[a-zA-Z][a-z0-9-]*' |
        grep -oE -- '--?[a-zA-Z][a-z0-9-]*' | sort -u
}

_zonewarden()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local zw=${words[0]} cmd= i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        -*) ;;
        *) cmd=${words[i]}; break ;;
        esac
    done
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "$(_zonewarden_cmds "$zw") --help --version" -- "$cur"))
        return
    fi
    case $prev in
    --format | -f)
        COMPREPLY=($(compgen -W "auto $("$zw" formats 2>/dev/null | awk '{print $1}')" -- "$cur"))
        return ;;
    --output)
        case $cmd in
        detect | run) COMPREPLY=($(compgen -W "alerts matches count ocsf ecs" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "ocsf ecs" -- "$cur")) ;;
        esac
        return ;;
    --fail-on)
        case $cmd in
        exposure) COMPREPLY=($(compgen -W "unapproved unknown added" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "unapproved unknown" -- "$cur")) ;;
        esac
        return ;;
    --fieldmaps)
        COMPREPLY=($(compgen -d -- "$cur") $(compgen -W "none" -- "$cur"))
        return ;;
    --brokers | --group | --input-topic | --output-topic | --dlq-topic | --alert-topic | \
        --state-topic | --client-id | --transactional-id | --server | --source-ip | --origin | \
        --rule | --timeout | --lateness | --merge | --max-groups | --tz | --metrics-port | \
        --metrics-interval | --exit-idle | --txn-max-records | --txn-max-ms | --max-in-flight | \
        --checkpoint-ms | -X)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_zonewarden_opts "$zw" "$cmd")" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
}

complete -F _zonewarden zonewarden
