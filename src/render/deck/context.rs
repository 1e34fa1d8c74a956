//! The context the deck's texts are rendered in: the report's fields plus a
//! few per call.

use std::cell::RefCell;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::render::wording::{TextError, TextSet};

/// One Handlebars context reused for every text: the extras are put in and
/// taken out again around each render, so the whole report is not copied
/// per text.
pub(super) struct Ctx<'a> {
    texts: &'a TextSet,
    cx: RefCell<handlebars::Context>,
}

impl<'a> Ctx<'a> {
    pub fn new(texts: &'a TextSet, base: Map<String, Value>) -> Ctx<'a> {
        Ctx {
            texts,
            cx: RefCell::new(handlebars::Context::from(Value::Object(base))),
        }
    }

    /// Renders text `key` with `extra` variables besides the report's.
    pub fn text(&self, key: &str, extra: &[(&str, Value)]) -> Result<String, TextError> {
        let mut cx = self.cx.borrow_mut();
        let mut saved: Vec<(String, Option<Value>)> = Vec::with_capacity(extra.len());
        if let Value::Object(m) = cx.data_mut() {
            for (k, v) in extra {
                let old = m.insert((*k).to_string(), v.clone());
                if !saved.iter().any(|(s, _)| s == k) {
                    saved.push(((*k).to_string(), old));
                }
            }
        }
        let out = self.texts.render_context(key, &cx);
        if let Value::Object(m) = cx.data_mut() {
            for (k, old) in saved.into_iter().rev() {
                match old {
                    Some(v) => m.insert(k, v),
                    None => m.remove(&k),
                };
            }
        }
        out
    }
}

/// A view as a JSON value for a text's context.
pub(super) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
