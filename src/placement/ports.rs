//! Host ports as the scheduler's NodePorts filter sees them: (hostIP, protocol, hostPort), where an
//! empty or 0.0.0.0 IP clashes with every IP and an empty protocol means TCP.

use std::fmt;

use k8s_openapi::api::core::v1::PodSpec;

use crate::manifest::index_path;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

impl HostPort {
    pub fn conflicts_with(&self, other: &HostPort) -> bool {
        let wildcard = |ip: &str| ip.is_empty() || ip == "0.0.0.0" || ip == "::";
        self.port == other.port
            && self.protocol == other.protocol
            && (wildcard(&self.ip) || wildcard(&other.ip) || self.ip == other.ip)
    }
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ip.is_empty() {
            write!(f, "{}/{}", self.port, self.protocol)
        } else {
            write!(f, "{}:{}/{}", self.ip, self.port, self.protocol)
        }
    }
}

/// Every hostPort > 0 the pod asks for, with the field path (under `pod_path`) it is written at.
/// With hostNetwork every containerPort is a host port too, as the API server defaults it.
pub fn host_ports(pod: &PodSpec, pod_path: &str) -> Vec<(String, HostPort)> {
    let host_network = pod.host_network == Some(true);
    let lists = [
        (
            "initContainers",
            pod.init_containers.as_deref().unwrap_or_default(),
        ),
        ("containers", pod.containers.as_slice()),
    ];
    let mut ports = Vec::new();
    for (list, containers) in lists {
        for (c, container) in containers.iter().enumerate() {
            for (p, port) in container.ports.iter().flatten().enumerate() {
                let number = match port.host_port {
                    Some(n) if n > 0 => n,
                    _ if host_network => port.container_port,
                    _ => continue,
                };
                let container_path = index_path(&format!("{pod_path}.{list}"), c);
                let port_path = index_path(&format!("{container_path}.ports"), p);
                ports.push((
                    format!("{port_path}.hostPort"),
                    HostPort {
                        ip: port.host_ip.clone().unwrap_or_default(),
                        protocol: port.protocol.clone().unwrap_or_else(|| "TCP".into()),
                        port: number,
                    },
                ));
            }
        }
    }
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(ip: &str, protocol: &str, port: i32) -> HostPort {
        HostPort {
            ip: ip.into(),
            protocol: protocol.into(),
            port,
        }
    }

    #[test]
    fn conflicts_follow_the_node_ports_filter() {
        let cases = [
            (port("", "TCP", 80), port("", "TCP", 80), true),
            (port("", "TCP", 80), port("10.0.0.1", "TCP", 80), true),
            (
                port("10.0.0.2", "TCP", 80),
                port("10.0.0.1", "TCP", 80),
                false,
            ),
            (port("", "TCP", 80), port("", "UDP", 80), false),
            (port("", "TCP", 80), port("", "TCP", 81), false),
            (
                port("0.0.0.0", "TCP", 53),
                port("127.0.0.1", "TCP", 53),
                true,
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.conflicts_with(&b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn host_network_turns_container_ports_into_host_ports() {
        let pod: PodSpec = serde_json::from_value(serde_json::json!({
            "hostNetwork": true,
            "containers": [{"name": "a", "ports": [{"containerPort": 9100}, {"containerPort": 53, "protocol": "UDP", "hostPort": 53}]}]
        }))
        .unwrap();
        let ports = host_ports(&pod, "spec");
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].0, "spec.containers[0].ports[0].hostPort");
        assert_eq!(ports[0].1, port("", "TCP", 9100));
        assert_eq!(ports[1].1, port("", "UDP", 53));
    }
}
