# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_ds_global_optspecs
    string join \n kubeconfig= context= cluster= user= n/namespace= as= as-group= request-timeout= v/verbose color= h/help V/version
end

function __fish_kubectl_ds_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_ds_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_ds_using_subcommand
    set -l cmd (__fish_kubectl_ds_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "list" -d 'List DaemonSets with their rollout state, revision and node selector'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "ls" -d 'List DaemonSets with their rollout state, revision and node selector'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "lint" -d 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "plan" -d 'Preview, node by node, where a DaemonSet will run and why not'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "diff" -d 'Show what applying a manifest would change, and what that does to the pods'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "history" -d 'List a DaemonSet\'s revisions, the pods on each, and diff any two of them'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "rollout" -d 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "delete" -d 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "migrate" -d 'Change a DaemonSet\'s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "rbac" -d 'Print the least-privilege RBAC roles the commands need, for a cluster admin to apply'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "completion" -d 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s l -l selector -d 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s A -l all-namespaces -d 'List DaemonSets in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s l -l selector -d 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s A -l all-namespaces -d 'List DaemonSets in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -s f -l filename -d 'Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t'The table with the field path and the fix for each finding'
json\t''
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l fail-on -d 'Exit 1 when a finding is at or above this severity' -r -f -a "error\t''
warning\t''
info\t''
never\t'Always exit 0 when the input could be read'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l config -d 'YAML file that turns rules off or changes their severity (`rules: {DS309: off, DS210: error}`)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l explain -d 'Explain one rule (by ID or name): why it matters and how to fix it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l input-errors -d 'What a file that cannot be read or parsed does: `fail` exits 2; `report` prints it (stderr, and `inputErrors` in JSON) and counts it as an error-level finding for --fail-on, so lint can run over a repository that also holds templates' -r -f -a "fail\t'Exit 2 (usage), as for any bad input'
report\t'Report them and count each as an error-level finding'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l list-rules -d 'List every rule with its ID, severity and summary, then exit'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s f -l filename -d 'Manifest file or directory with one or more DaemonSets; `-` reads stdin' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l nodes -d 'Plan offline against these nodes (`kubectl get nodes -o json|yaml` output)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l pods -d 'With --nodes: the pods on them (`kubectl get pods -A -o json|yaml`), for FIT and CURRENT' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s o -l output -d 'Output format (`wide` adds node labels and taints)' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s l -l node-selector -d 'Show only nodes whose labels match this selector (the summary still counts every node)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l only-excluded -d 'Show only the nodes that will not run the DaemonSet'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -s f -l filename -d 'Manifest file or directory with DaemonSets; `-` reads stdin; repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -s o -l output -d 'Output format: the coloured diff and summary, or the structured change list' -r -f -a "text\t''
json\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l revision -d 'Show one revision: with -o yaml|json its pod template, else its details' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l diff -d 'Diff two revisions\' templates (default: the previous against the current)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "status" -d 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "history" -d 'The same as `kubectl ds history`: revisions, one revision\'s template, a diff of two'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "pause" -d 'Pause a DaemonSet\'s rollout: no more pods are replaced until `rollout resume`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "resume" -d 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "undo" -d 'Roll back to the previous revision\'s pod template, or to --to-revision N'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "apply" -d 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "restart" -d 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "set-image" -d 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history pause resume undo apply restart set-image help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'With --watch: give up after this long (e.g. 5m); 0 waits forever' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format (json: one status object; with --watch, one per line as it changes)' -r -f -a "table\t''
json\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s w -l watch -d 'Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l revision -d 'Show one revision: with -o yaml|json its pod template, else its details' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l diff -d 'Diff two revisions\' templates (default: the previous against the current)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l no-headers -d 'Leave out the header row of tables'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l detach -d 'Only mark the rollout resumed; do not drive a controlled (ondelete) rollout to the end'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l to-revision -d 'The revision to go back to (default: the one before the current; negative counts back)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l mode -d 'How pods are replaced (default: the DaemonSet\'s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)' -r -f -a "rolling\t'The DaemonSet\'s RollingUpdate controller replaces the pods; the plugin follows it with the health gate and halts it (switching to OnDelete) when the gate fails'
ondelete\t'The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in waves'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l wave-interval -d 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l canary -d 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l canary-nodes -d 'The canary wave: these nodes, by name (comma-separated)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l canary-selector -d 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l node-order -d 'The order nodes are updated in: name, label:KEY (grouped by the label\'s value, e.g. a zone; a wave never spans two values, and one value\'s waves are done before the next value\'s start) or list:A,B,C (nodes not listed follow, by name) (default name)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l max-unavailable -d 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l min-ready -d 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet\'s minReadySeconds)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l progress-deadline -d 'How long a node whose old pod was deleted may take to get an available new pod' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l analysis -d 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l check -d 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l check-timeout -d 'How long a check may run before it is killed and fails (default 60s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l prometheus -d 'The Prometheus to query for --metric (http:// or https://)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l prometheus-token-file -d 'A file holding the bearer token sent to Prometheus (read at every query)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l prometheus-ca-file -d 'A PEM file of the CA that signed Prometheus\'s certificate' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l metric -d 'A metric every series of which must meet the condition: \'NAME: PROMQL OP THRESHOLD\', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l analysis-interval -d 'Time between two samples of every metric (default 30s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l analysis-duration -d 'How long metrics are sampled after each wave (default 0s: one sample)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l failure-limit -d 'Bad samples a metric may have before the gate fails (default 0)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l max-restarts -d 'Fail the gate when a new pod\'s containers, init containers or sidecars restarted more than N times in all' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l force-delete-stuck -d 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l drain-timeout -d 'How long evicting one node\'s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l prepull-timeout -d 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l dry-run -d 'Print the plan (which nodes in which wave) and change nothing'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l auto-rollback -d 'When the health gate fails, put the previous revision\'s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l pause-after-canary -d 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l metric-empty-passes -d 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l approve -d 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l include-not-ready -d 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l drain -d 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave\'s gate, uncordon. A node cordoned by someone else stays cordoned'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l delete-emptydir-data -d 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l drain-force -d 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l prepull -d 'Before a wave\'s first deletion, pull the new images onto that wave\'s nodes with a short-lived helper pod per node, without touching the running agent'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s f -l filename -d 'The DaemonSet manifest (one DaemonSet)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l mode -d 'How pods are replaced (default: the DaemonSet\'s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)' -r -f -a "rolling\t'The DaemonSet\'s RollingUpdate controller replaces the pods; the plugin follows it with the health gate and halts it (switching to OnDelete) when the gate fails'
ondelete\t'The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in waves'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l wave-interval -d 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l canary -d 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l canary-nodes -d 'The canary wave: these nodes, by name (comma-separated)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l canary-selector -d 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l node-order -d 'The order nodes are updated in: name, label:KEY (grouped by the label\'s value, e.g. a zone; a wave never spans two values, and one value\'s waves are done before the next value\'s start) or list:A,B,C (nodes not listed follow, by name) (default name)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l max-unavailable -d 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l min-ready -d 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet\'s minReadySeconds)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l progress-deadline -d 'How long a node whose old pod was deleted may take to get an available new pod' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l analysis -d 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l check -d 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l check-timeout -d 'How long a check may run before it is killed and fails (default 60s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l prometheus -d 'The Prometheus to query for --metric (http:// or https://)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l prometheus-token-file -d 'A file holding the bearer token sent to Prometheus (read at every query)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l prometheus-ca-file -d 'A PEM file of the CA that signed Prometheus\'s certificate' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l metric -d 'A metric every series of which must meet the condition: \'NAME: PROMQL OP THRESHOLD\', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l analysis-interval -d 'Time between two samples of every metric (default 30s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l analysis-duration -d 'How long metrics are sampled after each wave (default 0s: one sample)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l failure-limit -d 'Bad samples a metric may have before the gate fails (default 0)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l max-restarts -d 'Fail the gate when a new pod\'s containers, init containers or sidecars restarted more than N times in all' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l force-delete-stuck -d 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l drain-timeout -d 'How long evicting one node\'s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l prepull-timeout -d 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l dry-run -d 'Print the plan (which nodes in which wave) and change nothing'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l auto-rollback -d 'When the health gate fails, put the previous revision\'s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l pause-after-canary -d 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l metric-empty-passes -d 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l approve -d 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l include-not-ready -d 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l drain -d 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave\'s gate, uncordon. A node cordoned by someone else stays cordoned'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l delete-emptydir-data -d 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l drain-force -d 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l prepull -d 'Before a wave\'s first deletion, pull the new images onto that wave\'s nodes with a short-lived helper pod per node, without touching the running agent'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l mode -d 'How pods are replaced (default: the DaemonSet\'s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)' -r -f -a "rolling\t'The DaemonSet\'s RollingUpdate controller replaces the pods; the plugin follows it with the health gate and halts it (switching to OnDelete) when the gate fails'
ondelete\t'The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in waves'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l wave-interval -d 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l canary -d 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l canary-nodes -d 'The canary wave: these nodes, by name (comma-separated)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l canary-selector -d 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l node-order -d 'The order nodes are updated in: name, label:KEY (grouped by the label\'s value, e.g. a zone; a wave never spans two values, and one value\'s waves are done before the next value\'s start) or list:A,B,C (nodes not listed follow, by name) (default name)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l max-unavailable -d 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l min-ready -d 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet\'s minReadySeconds)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l progress-deadline -d 'How long a node whose old pod was deleted may take to get an available new pod' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l analysis -d 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l check -d 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l check-timeout -d 'How long a check may run before it is killed and fails (default 60s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l prometheus -d 'The Prometheus to query for --metric (http:// or https://)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l prometheus-token-file -d 'A file holding the bearer token sent to Prometheus (read at every query)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l prometheus-ca-file -d 'A PEM file of the CA that signed Prometheus\'s certificate' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l metric -d 'A metric every series of which must meet the condition: \'NAME: PROMQL OP THRESHOLD\', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l analysis-interval -d 'Time between two samples of every metric (default 30s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l analysis-duration -d 'How long metrics are sampled after each wave (default 0s: one sample)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l failure-limit -d 'Bad samples a metric may have before the gate fails (default 0)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l max-restarts -d 'Fail the gate when a new pod\'s containers, init containers or sidecars restarted more than N times in all' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l force-delete-stuck -d 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l drain-timeout -d 'How long evicting one node\'s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l prepull-timeout -d 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l dry-run -d 'Print the plan (which nodes in which wave) and change nothing'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l auto-rollback -d 'When the health gate fails, put the previous revision\'s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l pause-after-canary -d 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l metric-empty-passes -d 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l approve -d 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l include-not-ready -d 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l drain -d 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave\'s gate, uncordon. A node cordoned by someone else stays cordoned'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l delete-emptydir-data -d 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l drain-force -d 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l prepull -d 'Before a wave\'s first deletion, pull the new images onto that wave\'s nodes with a short-lived helper pod per node, without touching the running agent'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l mode -d 'How pods are replaced (default: the DaemonSet\'s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)' -r -f -a "rolling\t'The DaemonSet\'s RollingUpdate controller replaces the pods; the plugin follows it with the health gate and halts it (switching to OnDelete) when the gate fails'
ondelete\t'The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in waves'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l wave-interval -d 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l canary -d 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l canary-nodes -d 'The canary wave: these nodes, by name (comma-separated)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l canary-selector -d 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l node-order -d 'The order nodes are updated in: name, label:KEY (grouped by the label\'s value, e.g. a zone; a wave never spans two values, and one value\'s waves are done before the next value\'s start) or list:A,B,C (nodes not listed follow, by name) (default name)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l max-unavailable -d 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l min-ready -d 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet\'s minReadySeconds)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l progress-deadline -d 'How long a node whose old pod was deleted may take to get an available new pod' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l analysis -d 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l check -d 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l check-timeout -d 'How long a check may run before it is killed and fails (default 60s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l prometheus -d 'The Prometheus to query for --metric (http:// or https://)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l prometheus-token-file -d 'A file holding the bearer token sent to Prometheus (read at every query)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l prometheus-ca-file -d 'A PEM file of the CA that signed Prometheus\'s certificate' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l metric -d 'A metric every series of which must meet the condition: \'NAME: PROMQL OP THRESHOLD\', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l analysis-interval -d 'Time between two samples of every metric (default 30s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l analysis-duration -d 'How long metrics are sampled after each wave (default 0s: one sample)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l failure-limit -d 'Bad samples a metric may have before the gate fails (default 0)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l max-restarts -d 'Fail the gate when a new pod\'s containers, init containers or sidecars restarted more than N times in all' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l force-delete-stuck -d 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l drain-timeout -d 'How long evicting one node\'s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l prepull-timeout -d 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l dry-run -d 'Print the plan (which nodes in which wave) and change nothing'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l auto-rollback -d 'When the health gate fails, put the previous revision\'s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l pause-after-canary -d 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l metric-empty-passes -d 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l approve -d 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l include-not-ready -d 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l drain -d 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave\'s gate, uncordon. A node cordoned by someone else stays cordoned'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l delete-emptydir-data -d 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l drain-force -d 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -l prepull -d 'Before a wave\'s first deletion, pull the new images onto that wave\'s nodes with a short-lived helper pod per node, without touching the running agent'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from set-image" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "history" -d 'The same as `kubectl ds history`: revisions, one revision\'s template, a diff of two'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause a DaemonSet\'s rollout: no more pods are replaced until `rollout resume`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "undo" -d 'Roll back to the previous revision\'s pod template, or to --to-revision N'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "set-image" -d 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s l -l selector -d 'Delete the DaemonSets whose labels match this selector' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s f -l filename -d 'Delete the DaemonSets named in these manifests' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l cascade -d 'What happens to the pods' -r -f -a "background\t'Delete the pods in the background after the DaemonSet (kubectl\'s default)'
foreground\t'Delete the pods first; the DaemonSet goes when they are gone'
orphan\t'Keep the pods running, without an owner'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l timeout -d 'How long to wait for the DaemonSet to go and (orphaning) the pods to be released' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s o -l output -d 'Output format' -r -f -a "table\t'Preview and verification tables'
json\t'One result object, for scripts'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l orphan -d 'Keep the pods running (same as --cascade orphan), and verify they were kept'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -l dry-run -d 'Ask the server to check the delete (permission, preconditions) without deleting anything'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s f -l filename -d 'The new DaemonSet manifest (one DaemonSet)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l timeout -d 'How long to wait for the old DaemonSet to go and its pods to be released' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l mode -d 'How pods are replaced (default: the DaemonSet\'s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)' -r -f -a "rolling\t'The DaemonSet\'s RollingUpdate controller replaces the pods; the plugin follows it with the health gate and halts it (switching to OnDelete) when the gate fails'
ondelete\t'The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in waves'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l wave-interval -d 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s o -l output -d 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)' -r -f -a "text\t'Progress bars on a terminal, one line per event otherwise'
json\t'One JSON object per event and line, for automation'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l canary -d 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l canary-nodes -d 'The canary wave: these nodes, by name (comma-separated)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l canary-selector -d 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l node-order -d 'The order nodes are updated in: name, label:KEY (grouped by the label\'s value, e.g. a zone; a wave never spans two values, and one value\'s waves are done before the next value\'s start) or list:A,B,C (nodes not listed follow, by name) (default name)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l max-unavailable -d 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l min-ready -d 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet\'s minReadySeconds)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l progress-deadline -d 'How long a node whose old pod was deleted may take to get an available new pod' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l analysis -d 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l check -d 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l check-timeout -d 'How long a check may run before it is killed and fails (default 60s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l prometheus -d 'The Prometheus to query for --metric (http:// or https://)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l prometheus-token-file -d 'A file holding the bearer token sent to Prometheus (read at every query)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l prometheus-ca-file -d 'A PEM file of the CA that signed Prometheus\'s certificate' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l metric -d 'A metric every series of which must meet the condition: \'NAME: PROMQL OP THRESHOLD\', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l analysis-interval -d 'Time between two samples of every metric (default 30s)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l analysis-duration -d 'How long metrics are sampled after each wave (default 0s: one sample)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l failure-limit -d 'Bad samples a metric may have before the gate fails (default 0)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l max-restarts -d 'Fail the gate when a new pod\'s containers, init containers or sidecars restarted more than N times in all' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l force-delete-stuck -d 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l drain-timeout -d 'How long evicting one node\'s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l prepull-timeout -d 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s y -l yes -d 'Do not ask for confirmation before relabelling and orphan-deleting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l dry-run -d 'Print the plan (which nodes in which wave) and change nothing'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l auto-rollback -d 'When the health gate fails, put the previous revision\'s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l force -d 'Take over the rollout lock of another run when it has expired'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l pause-after-canary -d 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l metric-empty-passes -d 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l approve -d 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l include-not-ready -d 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l drain -d 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave\'s gate, uncordon. A node cordoned by someone else stays cordoned'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l delete-emptydir-data -d 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l drain-force -d 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -l prepull -d 'Before a wave\'s first deletion, pull the new images onto that wave\'s nodes with a short-lived helper pod per node, without touching the running agent'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l operator -d 'Also the operator role: rollout, diff, delete, migrate (a Role in the namespace)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -s A -l all-namespaces -d 'The operator role for every namespace: a ClusterRole instead of a Role'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l drain -d 'Also what rollout --drain adds (a ClusterRole); implies --operator'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -l prepull -d 'Add what rollout --prepull needs (create pods) to the operator role; implies --operator'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rbac" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "install" -d 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "bash" -d 'Print the bash completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "zsh" -d 'Print the zsh completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "fish" -d 'Print the fish completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "powershell" -d 'Print the PowerShell completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "elvish" -d 'Print the elvish completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and not __fish_seen_subcommand_from install bash zsh fish powershell elvish help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l dir -d 'Put the link in this directory instead (it should be on PATH)' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -l force -d 'Replace an existing kubectl_complete-ds that is not already this link'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from bash" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from zsh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from fish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from powershell" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l cluster -d 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context\'s cluster unless a name is given)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l as-group -d 'Group to impersonate for the operation; repeat for several groups' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client\'s defaults' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l v -d 'kubectl\'s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -s v -l verbose -d 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from elvish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "install" -d 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "bash" -d 'Print the bash completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "zsh" -d 'Print the zsh completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "fish" -d 'Print the fish completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "powershell" -d 'Print the PowerShell completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "elvish" -d 'Print the elvish completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "list" -d 'List DaemonSets with their rollout state, revision and node selector'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "lint" -d 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "plan" -d 'Preview, node by node, where a DaemonSet will run and why not'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "diff" -d 'Show what applying a manifest would change, and what that does to the pods'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "history" -d 'List a DaemonSet\'s revisions, the pods on each, and diff any two of them'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "rollout" -d 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "delete" -d 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "migrate" -d 'Change a DaemonSet\'s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "rbac" -d 'Print the least-privilege RBAC roles the commands need, for a cluster admin to apply'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "completion" -d 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from list lint plan diff history rollout delete migrate rbac completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "history" -d 'The same as `kubectl ds history`: revisions, one revision\'s template, a diff of two'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "pause" -d 'Pause a DaemonSet\'s rollout: no more pods are replaced until `rollout resume`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "resume" -d 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "undo" -d 'Roll back to the previous revision\'s pod template, or to --to-revision N'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "apply" -d 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "restart" -d 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "set-image" -d 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "install" -d 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "bash" -d 'Print the bash completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "zsh" -d 'Print the zsh completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "fish" -d 'Print the fish completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "powershell" -d 'Print the PowerShell completion script for kubectl-ds'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "elvish" -d 'Print the elvish completion script for kubectl-ds'
