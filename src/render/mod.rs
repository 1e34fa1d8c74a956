pub mod deck;
pub mod packs;
pub mod text;
pub mod texts;
pub mod typst_engine;
pub mod workbook;
