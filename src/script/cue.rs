//! Cue scheduling: which cues fire at each point of the talk and what music should be playing
//! there. Pure functions of the script, so they are tested without a sound card; the prompter
//! applies the state of the point it reaches (a file that fails to play never stops it).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::{markers, Body, Cue, CueAction};
use crate::app::{self, App};
use crate::error::{invalid, Result};
use crate::output::FileOut;

/// The music a point of the talk should have: this file at this volume, reached over
/// `fade_seconds`. Volume 0 means faded out (stopped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, ToSchema)]
pub struct MusicState {
    pub file: String,
    pub volume: i64,
    pub fade_seconds: i64,
}

/// One point of the talk: a stage's start (step 0) or one of its markers.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct CuePoint {
    pub stage_index: i64,
    pub stage_key: String,
    pub step: i64,
    /// The cues that fire on arriving here, in the script's order.
    pub cues: Vec<Cue>,
    /// What should be playing from here on (None: no music yet).
    pub music: Option<MusicState>,
    /// How many price tiers have been revealed by this point (0–3).
    pub revealed_tiers: i64,
}

/// Every point of the talk in order, with the cues that fire there and the music state after them.
pub fn schedule(body: &Body) -> Vec<CuePoint> {
    let mut out = Vec::new();
    let mut music: Option<MusicState> = None;
    let mut revealed = 0;
    for (i, stage) in body.stages.iter().enumerate() {
        let steps = markers(&stage.text).len() as i64;
        for step in 0..=steps {
            let cues: Vec<Cue> = body
                .cues
                .iter()
                .filter(|c| c.stage == stage.key && c.step == step)
                .cloned()
                .collect();
            for c in &cues {
                match c.action {
                    CueAction::MusicPlay => {
                        music = Some(MusicState {
                            file: c.file.clone(),
                            volume: c.volume,
                            fade_seconds: c.fade_seconds,
                        })
                    }
                    CueAction::MusicFade => {
                        if let Some(m) = &mut music {
                            m.volume = c.volume;
                            m.fade_seconds = c.fade_seconds;
                        }
                    }
                    CueAction::RevealTier => revealed = revealed.max(c.tier),
                    CueAction::Slide | CueAction::StartClosing => {}
                }
            }
            out.push(CuePoint {
                stage_index: i as i64,
                stage_key: stage.key.clone(),
                step,
                cues,
                music: music.clone(),
                revealed_tiers: revealed,
            });
        }
    }
    out
}

/// The music at a stage's step: what the prompter plays when it gets (or jumps) there.
pub fn music_at(body: &Body, stage_key: &str, step: i64) -> Option<MusicState> {
    schedule(body)
        .into_iter()
        .find(|p| p.stage_key == stage_key && p.step == step)
        .and_then(|p| p.music)
}

/// Where an audio file named in a cue lives: an absolute path, or relative to the folder of the
/// database (the app's data directory by default).
pub fn resolve(app: &App, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        return p.to_owned();
    }
    let base = app
        .db
        .path()
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_owned)
        .unwrap_or_else(app::data_dir);
    base.join(p)
}

/// The audio files the script's music cues name, each once, in order.
pub fn files(body: &Body) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &body.cues {
        if c.action == CueAction::MusicPlay && !out.contains(&c.file) {
            out.push(c.file.clone());
        }
    }
    out
}

/// The cues' audio files that cannot be found: warned about before the talk, never an error.
pub fn missing_files(app: &App, body: &Body) -> Vec<String> {
    files(body)
        .into_iter()
        .filter(|f| !resolve(app, f).is_file())
        .collect()
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct AudioQuery {
    pub seminar_id: i64,
    pub file: String,
}

const MAX_AUDIO_BYTES: u64 = 60 * 1024 * 1024;

fn mime(file: &str) -> &'static str {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "m4a" | "mp4" | "aac" => "audio/mp4",
        "flac" => "audio/flac",
        "webm" => "audio/webm",
        _ => "application/octet-stream",
    }
}

/// An audio file of the seminar's script, for the prompter to play. Only files that a music cue
/// of this seminar names are served.
/// The file travels base64-encoded inside the JSON answer: the same over IPC and HTTP.
pub fn audio(app: &App, q: AudioQuery) -> Result<FileOut> {
    let body = {
        let conn = app.db.conn();
        crate::seminar::get_in(&conn, q.seminar_id)?;
        super::body_of(&conn, q.seminar_id)?.2
    };
    if !files(&body).contains(&q.file) {
        return Err(invalid(
            "file",
            format!("“{}”不是这场会销话术里的音乐文件。", q.file),
            format!("“{}” is not a music file of this seminar's script.", q.file),
        ));
    }
    let path = resolve(app, &q.file);
    let missing = || {
        invalid(
            "file",
            format!(
                "找不到音乐文件 {}：请检查路径，或在话术里换一个文件。",
                path.display()
            ),
            format!(
                "Music file {} not found: check the path or choose another file in the script.",
                path.display()
            ),
        )
    };
    let meta = std::fs::metadata(&path).map_err(|_| missing())?;
    if !meta.is_file() {
        return Err(missing());
    }
    if meta.len() > MAX_AUDIO_BYTES {
        return Err(invalid(
            "file",
            format!("音乐文件 {} 超过 60 MB。", path.display()),
            format!("Music file {} is over 60 MB.", path.display()),
        ));
    }
    let bytes = std::fs::read(&path)?;
    Ok(FileOut::new(q.file.clone(), mime(&q.file), &bytes))
}

#[cfg(test)]
mod tests {
    use super::super::{Stage, StageKind};
    use super::*;

    fn stage(key: &str, text: &str) -> Stage {
        Stage {
            key: key.into(),
            kind: StageKind::Custom,
            title: key.into(),
            target_minutes: 5,
            text: text.into(),
            key_lines: vec![],
        }
    }

    fn cue(stage: &str, step: i64, action: CueAction, file: &str, volume: i64) -> Cue {
        Cue {
            stage: stage.into(),
            step,
            action,
            file: file.into(),
            volume,
            fade_seconds: 2,
            tier: 0,
            note: String::new(),
        }
    }

    #[test]
    fn music_carries_over_points_until_a_cue_changes_it() {
        let body = Body {
            stages: vec![stage("a", "## one\n## two"), stage("b", "")],
            cues: vec![
                cue("a", 1, CueAction::MusicPlay, "x.mp3", 80),
                cue("a", 2, CueAction::MusicFade, "", 20),
            ],
        };
        let s = schedule(&body);
        assert_eq!(s.len(), 4, "a:0, a:1, a:2, b:0");
        assert_eq!(s[0].music, None);
        assert_eq!(s[1].music.as_ref().unwrap().volume, 80);
        assert_eq!(s[2].music.as_ref().unwrap().volume, 20);
        assert_eq!(s[3].music, s[2].music, "b keeps a's music");
        assert!(s[3].cues.is_empty());
    }
}
