
use builtin;
use str;

set edit:completion:arg-completer[kubectl-ds] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kubectl-ds'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kubectl-ds'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List DaemonSets with their rollout state, revision and node selector'
            cand ls 'List DaemonSets with their rollout state, revision and node selector'
            cand lint 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings'
            cand plan 'Preview, node by node, where a DaemonSet will run and why not'
            cand diff 'Show what applying a manifest would change, and what that does to the pods'
            cand history 'List a DaemonSet''s revisions, the pods on each, and diff any two of them'
            cand rollout 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)'
            cand delete 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it'
            cand migrate 'Change a DaemonSet''s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves'
            cand completion 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;list'= {
            cand -l 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)'
            cand --selector 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -A 'List DaemonSets in every namespace'
            cand --all-namespaces 'List DaemonSets in every namespace'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;ls'= {
            cand -l 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)'
            cand --selector 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -A 'List DaemonSets in every namespace'
            cand --all-namespaces 'List DaemonSets in every namespace'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;lint'= {
            cand -f 'Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable'
            cand --filename 'Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --fail-on 'Exit 1 when a finding is at or above this severity'
            cand --config 'YAML file that turns rules off or changes their severity (`rules: {DS309: off, DS210: error}`)'
            cand --explain 'Explain one rule (by ID or name): why it matters and how to fix it'
            cand --input-errors 'What a file that cannot be read or parsed does: `fail` exits 2; `report` prints it (stderr, and `inputErrors` in JSON) and counts it as an error-level finding for --fail-on, so lint can run over a repository that also holds templates'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --list-rules 'List every rule with its ID, severity and summary, then exit'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;plan'= {
            cand -f 'Manifest file or directory with one or more DaemonSets; `-` reads stdin'
            cand --filename 'Manifest file or directory with one or more DaemonSets; `-` reads stdin'
            cand --nodes 'Plan offline against these nodes (`kubectl get nodes -o json|yaml` output)'
            cand --pods 'With --nodes: the pods on them (`kubectl get pods -A -o json|yaml`), for FIT and CURRENT'
            cand -o 'Output format (`wide` adds node labels and taints)'
            cand --output 'Output format (`wide` adds node labels and taints)'
            cand -l 'Show only nodes whose labels match this selector (the summary still counts every node)'
            cand --node-selector 'Show only nodes whose labels match this selector (the summary still counts every node)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --only-excluded 'Show only the nodes that will not run the DaemonSet'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;diff'= {
            cand -f 'Manifest file or directory with DaemonSets; `-` reads stdin; repeatable'
            cand --filename 'Manifest file or directory with DaemonSets; `-` reads stdin; repeatable'
            cand -o 'Output format: the coloured diff and summary, or the structured change list'
            cand --output 'Output format: the coloured diff and summary, or the structured change list'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;history'= {
            cand --revision 'Show one revision: with -o yaml|json its pod template, else its details'
            cand --diff 'Diff two revisions'' templates (default: the previous against the current)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand status 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
            cand history 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two'
            cand pause 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`'
            cand resume 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
            cand undo 'Roll back to the previous revision''s pod template, or to --to-revision N'
            cand apply 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
            cand restart 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
            cand set-image 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;rollout;status'= {
            cand --timeout 'With --watch: give up after this long (e.g. 5m); 0 waits forever'
            cand -o 'Output format (json: one status object; with --watch, one per line as it changes)'
            cand --output 'Output format (json: one status object; with --watch, one per line as it changes)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -w 'Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)'
            cand --watch 'Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;history'= {
            cand --revision 'Show one revision: with -o yaml|json its pod template, else its details'
            cand --diff 'Diff two revisions'' templates (default: the previous against the current)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --no-headers 'Leave out the header row of tables'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;pause'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;resume'= {
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --detach 'Only mark the rollout resumed; do not drive a controlled (ondelete) rollout to the end'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;undo'= {
            cand --to-revision 'The revision to go back to (default: the one before the current; negative counts back)'
            cand --mode 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)'
            cand --wave-interval 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)'
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --canary 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)'
            cand --canary-nodes 'The canary wave: these nodes, by name (comma-separated)'
            cand --canary-selector 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)'
            cand --node-order 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values) or list:A,B,C (nodes not listed follow, by name) (default name)'
            cand --max-unavailable 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes (default 1)'
            cand --min-ready 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)'
            cand --progress-deadline 'How long a node whose old pod was deleted may take to get an available new pod'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --dry-run 'Print the plan (which nodes in which wave) and change nothing'
            cand --auto-rollback 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand --pause-after-canary 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;apply'= {
            cand -f 'The DaemonSet manifest (one DaemonSet)'
            cand --filename 'The DaemonSet manifest (one DaemonSet)'
            cand --mode 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)'
            cand --wave-interval 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)'
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --canary 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)'
            cand --canary-nodes 'The canary wave: these nodes, by name (comma-separated)'
            cand --canary-selector 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)'
            cand --node-order 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values) or list:A,B,C (nodes not listed follow, by name) (default name)'
            cand --max-unavailable 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes (default 1)'
            cand --min-ready 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)'
            cand --progress-deadline 'How long a node whose old pod was deleted may take to get an available new pod'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --dry-run 'Print the plan (which nodes in which wave) and change nothing'
            cand --auto-rollback 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand --pause-after-canary 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;restart'= {
            cand --mode 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)'
            cand --wave-interval 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)'
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --canary 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)'
            cand --canary-nodes 'The canary wave: these nodes, by name (comma-separated)'
            cand --canary-selector 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)'
            cand --node-order 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values) or list:A,B,C (nodes not listed follow, by name) (default name)'
            cand --max-unavailable 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes (default 1)'
            cand --min-ready 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)'
            cand --progress-deadline 'How long a node whose old pod was deleted may take to get an available new pod'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --dry-run 'Print the plan (which nodes in which wave) and change nothing'
            cand --auto-rollback 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand --pause-after-canary 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;set-image'= {
            cand --mode 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)'
            cand --wave-interval 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)'
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --canary 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)'
            cand --canary-nodes 'The canary wave: these nodes, by name (comma-separated)'
            cand --canary-selector 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)'
            cand --node-order 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values) or list:A,B,C (nodes not listed follow, by name) (default name)'
            cand --max-unavailable 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes (default 1)'
            cand --min-ready 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)'
            cand --progress-deadline 'How long a node whose old pod was deleted may take to get an available new pod'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --dry-run 'Print the plan (which nodes in which wave) and change nothing'
            cand --auto-rollback 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand --pause-after-canary 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;rollout;help'= {
            cand status 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
            cand history 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two'
            cand pause 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`'
            cand resume 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
            cand undo 'Roll back to the previous revision''s pod template, or to --to-revision N'
            cand apply 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
            cand restart 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
            cand set-image 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;rollout;help;status'= {
        }
        &'kubectl-ds;rollout;help;history'= {
        }
        &'kubectl-ds;rollout;help;pause'= {
        }
        &'kubectl-ds;rollout;help;resume'= {
        }
        &'kubectl-ds;rollout;help;undo'= {
        }
        &'kubectl-ds;rollout;help;apply'= {
        }
        &'kubectl-ds;rollout;help;restart'= {
        }
        &'kubectl-ds;rollout;help;set-image'= {
        }
        &'kubectl-ds;rollout;help;help'= {
        }
        &'kubectl-ds;delete'= {
            cand -l 'Delete the DaemonSets whose labels match this selector'
            cand --selector 'Delete the DaemonSets whose labels match this selector'
            cand -f 'Delete the DaemonSets named in these manifests'
            cand --filename 'Delete the DaemonSets named in these manifests'
            cand --cascade 'What happens to the pods'
            cand --timeout 'How long to wait for the DaemonSet to go and (orphaning) the pods to be released'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --orphan 'Keep the pods running (same as --cascade orphan), and verify they were kept'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --dry-run 'Ask the server to check the delete (permission, preconditions) without deleting anything'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;migrate'= {
            cand -f 'The new DaemonSet manifest (one DaemonSet)'
            cand --filename 'The new DaemonSet manifest (one DaemonSet)'
            cand --timeout 'How long to wait for the old DaemonSet to go and its pods to be released'
            cand --mode 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)'
            cand --wave-interval 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)'
            cand -o 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --output 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)'
            cand --canary 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)'
            cand --canary-nodes 'The canary wave: these nodes, by name (comma-separated)'
            cand --canary-selector 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)'
            cand --node-order 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values) or list:A,B,C (nodes not listed follow, by name) (default name)'
            cand --max-unavailable 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes (default 1)'
            cand --min-ready 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)'
            cand --progress-deadline 'How long a node whose old pod was deleted may take to get an available new pod'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -y 'Do not ask for confirmation before relabelling and orphan-deleting'
            cand --yes 'Do not ask for confirmation before relabelling and orphan-deleting'
            cand --dry-run 'Print the plan (which nodes in which wave) and change nothing'
            cand --auto-rollback 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting'
            cand --force 'Take over the rollout lock of another run when it has expired'
            cand --pause-after-canary 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand install 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
            cand bash 'Print the bash completion script for kubectl-ds'
            cand zsh 'Print the zsh completion script for kubectl-ds'
            cand fish 'Print the fish completion script for kubectl-ds'
            cand powershell 'Print the PowerShell completion script for kubectl-ds'
            cand elvish 'Print the elvish completion script for kubectl-ds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;completion;install'= {
            cand --dir 'Put the link in this directory instead (it should be on PATH)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand --force 'Replace an existing kubectl_complete-ds that is not already this link'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;bash'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;zsh'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;fish'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;powershell'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;elvish'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace (default: the context''s namespace, else "default")'
            cand --as 'Username to impersonate for the operation'
            cand --as-group 'Group to impersonate for the operation; repeat for several groups'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults'
            cand --v 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything'
            cand --color 'When to colour output'
            cand -v 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand --verbose 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-ds;completion;help'= {
            cand install 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
            cand bash 'Print the bash completion script for kubectl-ds'
            cand zsh 'Print the zsh completion script for kubectl-ds'
            cand fish 'Print the fish completion script for kubectl-ds'
            cand powershell 'Print the PowerShell completion script for kubectl-ds'
            cand elvish 'Print the elvish completion script for kubectl-ds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;completion;help;install'= {
        }
        &'kubectl-ds;completion;help;bash'= {
        }
        &'kubectl-ds;completion;help;zsh'= {
        }
        &'kubectl-ds;completion;help;fish'= {
        }
        &'kubectl-ds;completion;help;powershell'= {
        }
        &'kubectl-ds;completion;help;elvish'= {
        }
        &'kubectl-ds;completion;help;help'= {
        }
        &'kubectl-ds;help'= {
            cand list 'List DaemonSets with their rollout state, revision and node selector'
            cand lint 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings'
            cand plan 'Preview, node by node, where a DaemonSet will run and why not'
            cand diff 'Show what applying a manifest would change, and what that does to the pods'
            cand history 'List a DaemonSet''s revisions, the pods on each, and diff any two of them'
            cand rollout 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)'
            cand delete 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it'
            cand migrate 'Change a DaemonSet''s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves'
            cand completion 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-ds;help;list'= {
        }
        &'kubectl-ds;help;lint'= {
        }
        &'kubectl-ds;help;plan'= {
        }
        &'kubectl-ds;help;diff'= {
        }
        &'kubectl-ds;help;history'= {
        }
        &'kubectl-ds;help;rollout'= {
            cand status 'Pods per revision, per-node progress and the recorded rollout state; --watch until done'
            cand history 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two'
            cand pause 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`'
            cand resume 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped'
            cand undo 'Roll back to the previous revision''s pod template, or to --to-revision N'
            cand apply 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption'
            cand restart 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`'
            cand set-image 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave'
        }
        &'kubectl-ds;help;rollout;status'= {
        }
        &'kubectl-ds;help;rollout;history'= {
        }
        &'kubectl-ds;help;rollout;pause'= {
        }
        &'kubectl-ds;help;rollout;resume'= {
        }
        &'kubectl-ds;help;rollout;undo'= {
        }
        &'kubectl-ds;help;rollout;apply'= {
        }
        &'kubectl-ds;help;rollout;restart'= {
        }
        &'kubectl-ds;help;rollout;set-image'= {
        }
        &'kubectl-ds;help;delete'= {
        }
        &'kubectl-ds;help;migrate'= {
        }
        &'kubectl-ds;help;completion'= {
            cand install 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`'
            cand bash 'Print the bash completion script for kubectl-ds'
            cand zsh 'Print the zsh completion script for kubectl-ds'
            cand fish 'Print the fish completion script for kubectl-ds'
            cand powershell 'Print the PowerShell completion script for kubectl-ds'
            cand elvish 'Print the elvish completion script for kubectl-ds'
        }
        &'kubectl-ds;help;completion;install'= {
        }
        &'kubectl-ds;help;completion;bash'= {
        }
        &'kubectl-ds;help;completion;zsh'= {
        }
        &'kubectl-ds;help;completion;fish'= {
        }
        &'kubectl-ds;help;completion;powershell'= {
        }
        &'kubectl-ds;help;completion;elvish'= {
        }
        &'kubectl-ds;help;help'= {
        }
    ]
    $completions[$command]
}
