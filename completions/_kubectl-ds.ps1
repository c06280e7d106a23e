
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-ds' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-ds'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-ds' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List DaemonSets with their rollout state, revision and node selector')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List DaemonSets with their rollout state, revision and node selector')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Preview, node by node, where a DaemonSet will run and why not')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what applying a manifest would change, and what that does to the pods')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a DaemonSet''s revisions, the pods on each, and diff any two of them')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Change a DaemonSet''s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege RBAC roles the commands need, for a cluster admin to apply')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List DaemonSets in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List DaemonSets in every namespace')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;ls' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List DaemonSets in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List DaemonSets in every namespace')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;lint' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at or above this severity')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'YAML file that turns rules off or changes their severity (`rules: {DS309: off, DS210: error}`)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain one rule (by ID or name): why it matters and how to fix it')
            [CompletionResult]::new('--input-errors', '--input-errors', [CompletionResultType]::ParameterName, 'What a file that cannot be read or parsed does: `fail` exits 2; `report` prints it (stderr, and `inputErrors` in JSON) and counts it as an error-level finding for --fail-on, so lint can run over a repository that also holds templates')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List every rule with its ID, severity and summary, then exit')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file or directory with one or more DaemonSets; `-` reads stdin')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file or directory with one or more DaemonSets; `-` reads stdin')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Plan offline against these nodes (`kubectl get nodes -o json|yaml` output)')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'With --nodes: the pods on them (`kubectl get pods -A -o json|yaml`), for FIT and CURRENT')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (`wide` adds node labels and taints)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (`wide` adds node labels and taints)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Show only nodes whose labels match this selector (the summary still counts every node)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Show only nodes whose labels match this selector (the summary still counts every node)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--only-excluded', '--only-excluded', [CompletionResultType]::ParameterName, 'Show only the nodes that will not run the DaemonSet')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file or directory with DaemonSets; `-` reads stdin; repeatable')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file or directory with DaemonSets; `-` reads stdin; repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: the coloured diff and summary, or the structured change list')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: the coloured diff and summary, or the structured change list')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;history' {
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Show one revision: with -o yaml|json its pod template, else its details')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Diff two revisions'' templates (default: the previous against the current)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Pods per revision, per-node progress and the recorded rollout state; --watch until done')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Roll back to the previous revision''s pod template, or to --to-revision N')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`')
            [CompletionResult]::new('set-image', 'set-image', [CompletionResultType]::ParameterValue, 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;rollout;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --watch: give up after this long (e.g. 5m); 0 waits forever')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (json: one status object; with --watch, one per line as it changes)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (json: one status object; with --watch, one per line as it changes)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;history' {
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Show one revision: with -o yaml|json its pod template, else its details')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Diff two revisions'' templates (default: the previous against the current)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;pause' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;resume' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Only mark the rollout resumed; do not drive a controlled (ondelete) rollout to the end')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;undo' {
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'The revision to go back to (default: the one before the current; negative counts back)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)')
            [CompletionResult]::new('--wave-interval', '--wave-interval', [CompletionResultType]::ParameterName, 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)')
            [CompletionResult]::new('--canary-nodes', '--canary-nodes', [CompletionResultType]::ParameterName, 'The canary wave: these nodes, by name (comma-separated)')
            [CompletionResult]::new('--canary-selector', '--canary-selector', [CompletionResultType]::ParameterName, 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)')
            [CompletionResult]::new('--node-order', '--node-order', [CompletionResultType]::ParameterName, 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values, and one value''s waves are done before the next value''s start) or list:A,B,C (nodes not listed follow, by name) (default name)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)')
            [CompletionResult]::new('--min-ready', '--min-ready', [CompletionResultType]::ParameterName, 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a node whose old pod was deleted may take to get an available new pod')
            [CompletionResult]::new('--analysis', '--analysis', [CompletionResultType]::ParameterName, 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'How long a check may run before it is killed and fails (default 60s)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to query for --metric (http:// or https://)')
            [CompletionResult]::new('--prometheus-token-file', '--prometheus-token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token sent to Prometheus (read at every query)')
            [CompletionResult]::new('--prometheus-ca-file', '--prometheus-ca-file', [CompletionResultType]::ParameterName, 'A PEM file of the CA that signed Prometheus''s certificate')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'A metric every series of which must meet the condition: ''NAME: PROMQL OP THRESHOLD'', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)')
            [CompletionResult]::new('--analysis-interval', '--analysis-interval', [CompletionResultType]::ParameterName, 'Time between two samples of every metric (default 30s)')
            [CompletionResult]::new('--analysis-duration', '--analysis-duration', [CompletionResultType]::ParameterName, 'How long metrics are sampled after each wave (default 0s: one sample)')
            [CompletionResult]::new('--failure-limit', '--failure-limit', [CompletionResultType]::ParameterName, 'Bad samples a metric may have before the gate fails (default 0)')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'Fail the gate when a new pod''s containers, init containers or sidecars restarted more than N times in all')
            [CompletionResult]::new('--force-delete-stuck', '--force-delete-stuck', [CompletionResultType]::ParameterName, 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long evicting one node''s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)')
            [CompletionResult]::new('--prepull-timeout', '--prepull-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (which nodes in which wave) and change nothing')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('--pause-after-canary', '--pause-after-canary', [CompletionResultType]::ParameterName, 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue')
            [CompletionResult]::new('--metric-empty-passes', '--metric-empty-passes', [CompletionResultType]::ParameterName, 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)')
            [CompletionResult]::new('--include-not-ready', '--include-not-ready', [CompletionResultType]::ParameterName, 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave''s gate, uncordon. A node cordoned by someone else stays cordoned')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data')
            [CompletionResult]::new('--drain-force', '--drain-force', [CompletionResultType]::ParameterName, 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Before a wave''s first deletion, pull the new images onto that wave''s nodes with a short-lived helper pod per node, without touching the running agent')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The DaemonSet manifest (one DaemonSet)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'The DaemonSet manifest (one DaemonSet)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)')
            [CompletionResult]::new('--wave-interval', '--wave-interval', [CompletionResultType]::ParameterName, 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)')
            [CompletionResult]::new('--canary-nodes', '--canary-nodes', [CompletionResultType]::ParameterName, 'The canary wave: these nodes, by name (comma-separated)')
            [CompletionResult]::new('--canary-selector', '--canary-selector', [CompletionResultType]::ParameterName, 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)')
            [CompletionResult]::new('--node-order', '--node-order', [CompletionResultType]::ParameterName, 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values, and one value''s waves are done before the next value''s start) or list:A,B,C (nodes not listed follow, by name) (default name)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)')
            [CompletionResult]::new('--min-ready', '--min-ready', [CompletionResultType]::ParameterName, 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a node whose old pod was deleted may take to get an available new pod')
            [CompletionResult]::new('--analysis', '--analysis', [CompletionResultType]::ParameterName, 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'How long a check may run before it is killed and fails (default 60s)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to query for --metric (http:// or https://)')
            [CompletionResult]::new('--prometheus-token-file', '--prometheus-token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token sent to Prometheus (read at every query)')
            [CompletionResult]::new('--prometheus-ca-file', '--prometheus-ca-file', [CompletionResultType]::ParameterName, 'A PEM file of the CA that signed Prometheus''s certificate')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'A metric every series of which must meet the condition: ''NAME: PROMQL OP THRESHOLD'', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)')
            [CompletionResult]::new('--analysis-interval', '--analysis-interval', [CompletionResultType]::ParameterName, 'Time between two samples of every metric (default 30s)')
            [CompletionResult]::new('--analysis-duration', '--analysis-duration', [CompletionResultType]::ParameterName, 'How long metrics are sampled after each wave (default 0s: one sample)')
            [CompletionResult]::new('--failure-limit', '--failure-limit', [CompletionResultType]::ParameterName, 'Bad samples a metric may have before the gate fails (default 0)')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'Fail the gate when a new pod''s containers, init containers or sidecars restarted more than N times in all')
            [CompletionResult]::new('--force-delete-stuck', '--force-delete-stuck', [CompletionResultType]::ParameterName, 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long evicting one node''s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)')
            [CompletionResult]::new('--prepull-timeout', '--prepull-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (which nodes in which wave) and change nothing')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('--pause-after-canary', '--pause-after-canary', [CompletionResultType]::ParameterName, 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue')
            [CompletionResult]::new('--metric-empty-passes', '--metric-empty-passes', [CompletionResultType]::ParameterName, 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)')
            [CompletionResult]::new('--include-not-ready', '--include-not-ready', [CompletionResultType]::ParameterName, 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave''s gate, uncordon. A node cordoned by someone else stays cordoned')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data')
            [CompletionResult]::new('--drain-force', '--drain-force', [CompletionResultType]::ParameterName, 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Before a wave''s first deletion, pull the new images onto that wave''s nodes with a short-lived helper pod per node, without touching the running agent')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;restart' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)')
            [CompletionResult]::new('--wave-interval', '--wave-interval', [CompletionResultType]::ParameterName, 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)')
            [CompletionResult]::new('--canary-nodes', '--canary-nodes', [CompletionResultType]::ParameterName, 'The canary wave: these nodes, by name (comma-separated)')
            [CompletionResult]::new('--canary-selector', '--canary-selector', [CompletionResultType]::ParameterName, 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)')
            [CompletionResult]::new('--node-order', '--node-order', [CompletionResultType]::ParameterName, 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values, and one value''s waves are done before the next value''s start) or list:A,B,C (nodes not listed follow, by name) (default name)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)')
            [CompletionResult]::new('--min-ready', '--min-ready', [CompletionResultType]::ParameterName, 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a node whose old pod was deleted may take to get an available new pod')
            [CompletionResult]::new('--analysis', '--analysis', [CompletionResultType]::ParameterName, 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'How long a check may run before it is killed and fails (default 60s)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to query for --metric (http:// or https://)')
            [CompletionResult]::new('--prometheus-token-file', '--prometheus-token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token sent to Prometheus (read at every query)')
            [CompletionResult]::new('--prometheus-ca-file', '--prometheus-ca-file', [CompletionResultType]::ParameterName, 'A PEM file of the CA that signed Prometheus''s certificate')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'A metric every series of which must meet the condition: ''NAME: PROMQL OP THRESHOLD'', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)')
            [CompletionResult]::new('--analysis-interval', '--analysis-interval', [CompletionResultType]::ParameterName, 'Time between two samples of every metric (default 30s)')
            [CompletionResult]::new('--analysis-duration', '--analysis-duration', [CompletionResultType]::ParameterName, 'How long metrics are sampled after each wave (default 0s: one sample)')
            [CompletionResult]::new('--failure-limit', '--failure-limit', [CompletionResultType]::ParameterName, 'Bad samples a metric may have before the gate fails (default 0)')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'Fail the gate when a new pod''s containers, init containers or sidecars restarted more than N times in all')
            [CompletionResult]::new('--force-delete-stuck', '--force-delete-stuck', [CompletionResultType]::ParameterName, 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long evicting one node''s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)')
            [CompletionResult]::new('--prepull-timeout', '--prepull-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (which nodes in which wave) and change nothing')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('--pause-after-canary', '--pause-after-canary', [CompletionResultType]::ParameterName, 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue')
            [CompletionResult]::new('--metric-empty-passes', '--metric-empty-passes', [CompletionResultType]::ParameterName, 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)')
            [CompletionResult]::new('--include-not-ready', '--include-not-ready', [CompletionResultType]::ParameterName, 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave''s gate, uncordon. A node cordoned by someone else stays cordoned')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data')
            [CompletionResult]::new('--drain-force', '--drain-force', [CompletionResultType]::ParameterName, 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Before a wave''s first deletion, pull the new images onto that wave''s nodes with a short-lived helper pod per node, without touching the running agent')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;set-image' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)')
            [CompletionResult]::new('--wave-interval', '--wave-interval', [CompletionResultType]::ParameterName, 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)')
            [CompletionResult]::new('--canary-nodes', '--canary-nodes', [CompletionResultType]::ParameterName, 'The canary wave: these nodes, by name (comma-separated)')
            [CompletionResult]::new('--canary-selector', '--canary-selector', [CompletionResultType]::ParameterName, 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)')
            [CompletionResult]::new('--node-order', '--node-order', [CompletionResultType]::ParameterName, 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values, and one value''s waves are done before the next value''s start) or list:A,B,C (nodes not listed follow, by name) (default name)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)')
            [CompletionResult]::new('--min-ready', '--min-ready', [CompletionResultType]::ParameterName, 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a node whose old pod was deleted may take to get an available new pod')
            [CompletionResult]::new('--analysis', '--analysis', [CompletionResultType]::ParameterName, 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'How long a check may run before it is killed and fails (default 60s)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to query for --metric (http:// or https://)')
            [CompletionResult]::new('--prometheus-token-file', '--prometheus-token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token sent to Prometheus (read at every query)')
            [CompletionResult]::new('--prometheus-ca-file', '--prometheus-ca-file', [CompletionResultType]::ParameterName, 'A PEM file of the CA that signed Prometheus''s certificate')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'A metric every series of which must meet the condition: ''NAME: PROMQL OP THRESHOLD'', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)')
            [CompletionResult]::new('--analysis-interval', '--analysis-interval', [CompletionResultType]::ParameterName, 'Time between two samples of every metric (default 30s)')
            [CompletionResult]::new('--analysis-duration', '--analysis-duration', [CompletionResultType]::ParameterName, 'How long metrics are sampled after each wave (default 0s: one sample)')
            [CompletionResult]::new('--failure-limit', '--failure-limit', [CompletionResultType]::ParameterName, 'Bad samples a metric may have before the gate fails (default 0)')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'Fail the gate when a new pod''s containers, init containers or sidecars restarted more than N times in all')
            [CompletionResult]::new('--force-delete-stuck', '--force-delete-stuck', [CompletionResultType]::ParameterName, 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long evicting one node''s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)')
            [CompletionResult]::new('--prepull-timeout', '--prepull-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (which nodes in which wave) and change nothing')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('--pause-after-canary', '--pause-after-canary', [CompletionResultType]::ParameterName, 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue')
            [CompletionResult]::new('--metric-empty-passes', '--metric-empty-passes', [CompletionResultType]::ParameterName, 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)')
            [CompletionResult]::new('--include-not-ready', '--include-not-ready', [CompletionResultType]::ParameterName, 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave''s gate, uncordon. A node cordoned by someone else stays cordoned')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data')
            [CompletionResult]::new('--drain-force', '--drain-force', [CompletionResultType]::ParameterName, 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Before a wave''s first deletion, pull the new images onto that wave''s nodes with a short-lived helper pod per node, without touching the running agent')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rollout;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Pods per revision, per-node progress and the recorded rollout state; --watch until done')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Roll back to the previous revision''s pod template, or to --to-revision N')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`')
            [CompletionResult]::new('set-image', 'set-image', [CompletionResultType]::ParameterValue, 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;rollout;help;status' {
            break
        }
        'kubectl-ds;rollout;help;history' {
            break
        }
        'kubectl-ds;rollout;help;pause' {
            break
        }
        'kubectl-ds;rollout;help;resume' {
            break
        }
        'kubectl-ds;rollout;help;undo' {
            break
        }
        'kubectl-ds;rollout;help;apply' {
            break
        }
        'kubectl-ds;rollout;help;restart' {
            break
        }
        'kubectl-ds;rollout;help;set-image' {
            break
        }
        'kubectl-ds;rollout;help;help' {
            break
        }
        'kubectl-ds;delete' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Delete the DaemonSets whose labels match this selector')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Delete the DaemonSets whose labels match this selector')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Delete the DaemonSets named in these manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Delete the DaemonSets named in these manifests')
            [CompletionResult]::new('--cascade', '--cascade', [CompletionResultType]::ParameterName, 'What happens to the pods')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the DaemonSet to go and (orphaning) the pods to be released')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--orphan', '--orphan', [CompletionResultType]::ParameterName, 'Keep the pods running (same as --cascade orphan), and verify they were kept')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Ask the server to check the delete (permission, preconditions) without deleting anything')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;migrate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The new DaemonSet manifest (one DaemonSet)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'The new DaemonSet manifest (one DaemonSet)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the old DaemonSet to go and its pods to be released')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods are replaced (default: the DaemonSet''s own update strategy: RollingUpdate is rolling, OnDelete is ondelete)')
            [CompletionResult]::new('--wave-interval', '--wave-interval', [CompletionResultType]::ParameterName, 'Soak time between waves: wait this long after a wave is done before starting the next (default 0s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: text (progress bars on a terminal, a line per event otherwise) or json (one event object per line)')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes (default 0: no canary wave)')
            [CompletionResult]::new('--canary-nodes', '--canary-nodes', [CompletionResultType]::ParameterName, 'The canary wave: these nodes, by name (comma-separated)')
            [CompletionResult]::new('--canary-selector', '--canary-selector', [CompletionResultType]::ParameterName, 'The canary wave: the nodes to update whose labels match (kubectl -l syntax)')
            [CompletionResult]::new('--node-order', '--node-order', [CompletionResultType]::ParameterName, 'The order nodes are updated in: name, label:KEY (grouped by the label''s value, e.g. a zone; a wave never spans two values, and one value''s waves are done before the next value''s start) or list:A,B,C (nodes not listed follow, by name) (default name)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes; also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between waves, a wave starts as soon as the budget allows, not once the one before is done (default 1)')
            [CompletionResult]::new('--min-ready', '--min-ready', [CompletionResultType]::ParameterName, 'Seconds a new pod must have been Ready before its node counts as done (default: the DaemonSet''s minReadySeconds)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a node whose old pod was deleted may take to get an available new pod')
            [CompletionResult]::new('--analysis', '--analysis', [CompletionResultType]::ParameterName, 'An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit, maxRestarts, approve); the flags below add to it or override it')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'A command run through the shell after each wave (and its --wave-interval): exit 0 passes. Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE, KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'How long a check may run before it is killed and fails (default 60s)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to query for --metric (http:// or https://)')
            [CompletionResult]::new('--prometheus-token-file', '--prometheus-token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token sent to Prometheus (read at every query)')
            [CompletionResult]::new('--prometheus-ca-file', '--prometheus-ca-file', [CompletionResultType]::ParameterName, 'A PEM file of the CA that signed Prometheus''s certificate')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'A metric every series of which must meet the condition: ''NAME: PROMQL OP THRESHOLD'', OP one of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex alternations for =~), {{namespace}}, {{revision}} (repeatable)')
            [CompletionResult]::new('--analysis-interval', '--analysis-interval', [CompletionResultType]::ParameterName, 'Time between two samples of every metric (default 30s)')
            [CompletionResult]::new('--analysis-duration', '--analysis-duration', [CompletionResultType]::ParameterName, 'How long metrics are sampled after each wave (default 0s: one sample)')
            [CompletionResult]::new('--failure-limit', '--failure-limit', [CompletionResultType]::ParameterName, 'Bad samples a metric may have before the gate fails (default 0)')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'Fail the gate when a new pod''s containers, init containers or sidecars restarted more than N times in all')
            [CompletionResult]::new('--force-delete-stuck', '--force-delete-stuck', [CompletionResultType]::ParameterName, 'Delete pods stuck terminating (past their grace period) with grace period 0, but only when their node has been NotReady or unreachable for longer than DURATION')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long evicting one node''s pods may take (PodDisruptionBudgets may hold it) before the rollout stops with the node still cordoned (default 5m)')
            [CompletionResult]::new('--prepull-timeout', '--prepull-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pre-pull before going on without it, with a warning (default 5m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before relabelling and orphan-deleting')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before relabelling and orphan-deleting')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (which nodes in which wave) and change nothing')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'When the health gate fails, put the previous revision''s template back (and, in ondelete mode, the already updated nodes, the same controlled way) instead of only halting')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over the rollout lock of another run when it has expired')
            [CompletionResult]::new('--pause-after-canary', '--pause-after-canary', [CompletionResultType]::ParameterName, 'Stop after the canary wave (exit 0); `rollout resume` and running the command again continue')
            [CompletionResult]::new('--metric-empty-passes', '--metric-empty-passes', [CompletionResultType]::ParameterName, 'A --metric query that matches no series passes (by default it fails: it usually names a metric or label that is not there)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue, pause, abort, roll back)')
            [CompletionResult]::new('--include-not-ready', '--include-not-ready', [CompletionResultType]::ParameterName, 'Wait for NotReady and unreachable nodes under the progress deadline instead of deferring them (by default their old pods are left alone, the rest is rolled, and the run ends incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Drain each node before its agent is replaced: cordon, evict its other pods through the Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave''s gate, uncordon. A node cordoned by someone else stays cordoned')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain --delete-emptydir-data')
            [CompletionResult]::new('--drain-force', '--drain-force', [CompletionResultType]::ParameterName, 'Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain --force')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Before a wave''s first deletion, pull the new images onto that wave''s nodes with a short-lived helper pod per node, without touching the running agent')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;rbac' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'Also the operator role: rollout, diff, delete, migrate (a Role in the namespace)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'The operator role for every namespace: a ClusterRole instead of a Role')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'The operator role for every namespace: a ClusterRole instead of a Role')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Also what rollout --drain adds (a ClusterRole); implies --operator')
            [CompletionResult]::new('--prepull', '--prepull', [CompletionResultType]::ParameterName, 'Add what rollout --prepull needs (create pods) to the operator role; implies --operator')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`')
            [CompletionResult]::new('bash', 'bash', [CompletionResultType]::ParameterValue, 'Print the bash completion script for kubectl-ds')
            [CompletionResult]::new('zsh', 'zsh', [CompletionResultType]::ParameterValue, 'Print the zsh completion script for kubectl-ds')
            [CompletionResult]::new('fish', 'fish', [CompletionResultType]::ParameterValue, 'Print the fish completion script for kubectl-ds')
            [CompletionResult]::new('powershell', 'powershell', [CompletionResultType]::ParameterValue, 'Print the PowerShell completion script for kubectl-ds')
            [CompletionResult]::new('elvish', 'elvish', [CompletionResultType]::ParameterValue, 'Print the elvish completion script for kubectl-ds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;completion;install' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Put the link in this directory instead (it should be on PATH)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing kubectl_complete-ds that is not already this link')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;bash' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;zsh' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;fish' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;powershell' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;elvish' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules that read the cluster (the current context''s cluster unless a name is given)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeat for several groups')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client''s defaults')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ds;completion;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`')
            [CompletionResult]::new('bash', 'bash', [CompletionResultType]::ParameterValue, 'Print the bash completion script for kubectl-ds')
            [CompletionResult]::new('zsh', 'zsh', [CompletionResultType]::ParameterValue, 'Print the zsh completion script for kubectl-ds')
            [CompletionResult]::new('fish', 'fish', [CompletionResultType]::ParameterValue, 'Print the fish completion script for kubectl-ds')
            [CompletionResult]::new('powershell', 'powershell', [CompletionResultType]::ParameterValue, 'Print the PowerShell completion script for kubectl-ds')
            [CompletionResult]::new('elvish', 'elvish', [CompletionResultType]::ParameterValue, 'Print the elvish completion script for kubectl-ds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;completion;help;install' {
            break
        }
        'kubectl-ds;completion;help;bash' {
            break
        }
        'kubectl-ds;completion;help;zsh' {
            break
        }
        'kubectl-ds;completion;help;fish' {
            break
        }
        'kubectl-ds;completion;help;powershell' {
            break
        }
        'kubectl-ds;completion;help;elvish' {
            break
        }
        'kubectl-ds;completion;help;help' {
            break
        }
        'kubectl-ds;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List DaemonSets with their rollout state, revision and node selector')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Preview, node by node, where a DaemonSet will run and why not')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what applying a manifest would change, and what that does to the pods')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a DaemonSet''s revisions, the pods on each, and diff any two of them')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Follow, pause, resume and undo DaemonSet rollouts (both update strategies)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and proves it')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Change a DaemonSet''s immutable selector without taking its pods off the nodes: relabel, orphan-delete, re-create, then replace the adopted pods in controlled waves')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege RBAC roles the commands need, for a cluster admin to apply')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Shell completion: print the static scripts, or install the shim that makes `kubectl ds <TAB>` complete through kubectl')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ds;help;list' {
            break
        }
        'kubectl-ds;help;lint' {
            break
        }
        'kubectl-ds;help;plan' {
            break
        }
        'kubectl-ds;help;diff' {
            break
        }
        'kubectl-ds;help;history' {
            break
        }
        'kubectl-ds;help;rollout' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Pods per revision, per-node progress and the recorded rollout state; --watch until done')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The same as `kubectl ds history`: revisions, one revision''s template, a diff of two')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a DaemonSet''s rollout: no more pods are replaced until `rollout resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from where it stopped')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Roll back to the previous revision''s pod template, or to --to-revision N')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old pods only within --max-unavailable; safe to re-run after an interruption')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of a DaemonSet wave by wave: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`')
            [CompletionResult]::new('set-image', 'set-image', [CompletionResultType]::ParameterValue, 'Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave')
            break
        }
        'kubectl-ds;help;rollout;status' {
            break
        }
        'kubectl-ds;help;rollout;history' {
            break
        }
        'kubectl-ds;help;rollout;pause' {
            break
        }
        'kubectl-ds;help;rollout;resume' {
            break
        }
        'kubectl-ds;help;rollout;undo' {
            break
        }
        'kubectl-ds;help;rollout;apply' {
            break
        }
        'kubectl-ds;help;rollout;restart' {
            break
        }
        'kubectl-ds;help;rollout;set-image' {
            break
        }
        'kubectl-ds;help;delete' {
            break
        }
        'kubectl-ds;help;migrate' {
            break
        }
        'kubectl-ds;help;rbac' {
            break
        }
        'kubectl-ds;help;completion' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`')
            [CompletionResult]::new('bash', 'bash', [CompletionResultType]::ParameterValue, 'Print the bash completion script for kubectl-ds')
            [CompletionResult]::new('zsh', 'zsh', [CompletionResultType]::ParameterValue, 'Print the zsh completion script for kubectl-ds')
            [CompletionResult]::new('fish', 'fish', [CompletionResultType]::ParameterValue, 'Print the fish completion script for kubectl-ds')
            [CompletionResult]::new('powershell', 'powershell', [CompletionResultType]::ParameterValue, 'Print the PowerShell completion script for kubectl-ds')
            [CompletionResult]::new('elvish', 'elvish', [CompletionResultType]::ParameterValue, 'Print the elvish completion script for kubectl-ds')
            break
        }
        'kubectl-ds;help;completion;install' {
            break
        }
        'kubectl-ds;help;completion;bash' {
            break
        }
        'kubectl-ds;help;completion;zsh' {
            break
        }
        'kubectl-ds;help;completion;fish' {
            break
        }
        'kubectl-ds;help;completion;powershell' {
            break
        }
        'kubectl-ds;help;completion;elvish' {
            break
        }
        'kubectl-ds;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
