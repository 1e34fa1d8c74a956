//! Reading a workbook back for the tests: its values and formulas, and a
//! small evaluator that checks every formula computes its own stored result
//! over the cells of the same book.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

/// A row of a table: header → (position, value).
pub type Row = BTreeMap<String, ((u32, u32), Data)>;

/// One sheet: values and formulas by absolute (row, column), 0-based.
pub struct Sheet {
    pub name: String,
    pub values: BTreeMap<(u32, u32), Data>,
    pub formulas: BTreeMap<(u32, u32), String>,
}

pub struct Book {
    pub names: Vec<String>,
    pub sheets: BTreeMap<String, Sheet>,
    pub tables: BTreeMap<String, Vec<String>>,
}

pub fn open(bytes: &[u8]) -> Book {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a readable xlsx");
    let names = wb.sheet_names();
    let mut sheets = BTreeMap::new();
    for name in &names {
        let range = wb.worksheet_range(name).unwrap();
        let mut values = BTreeMap::new();
        if let Some((r0, c0)) = range.start() {
            for (r, c, v) in range.used_cells() {
                values.insert((r0 + r as u32, c0 + c as u32), v.clone());
            }
        }
        let range = wb.worksheet_formula(name).unwrap();
        let mut formulas = BTreeMap::new();
        if let Some((r0, c0)) = range.start() {
            for (r, c, f) in range.used_cells() {
                if !f.is_empty() {
                    formulas.insert((r0 + r as u32, c0 + c as u32), f.clone());
                }
            }
        }
        sheets.insert(
            name.clone(),
            Sheet {
                name: name.clone(),
                values,
                formulas,
            },
        );
    }
    let mut tables = BTreeMap::new();
    if wb.load_tables().is_ok() {
        for name in &names {
            tables.insert(
                name.clone(),
                wb.table_names_in_sheet(name).into_iter().cloned().collect(),
            );
        }
    }
    Book { names, sheets, tables }
}

impl Book {
    pub fn sheet(&self, name: &str) -> &Sheet {
        self.sheets
            .get(name)
            .unwrap_or_else(|| panic!("no sheet «{name}» in {:?}", self.names))
    }
}

pub fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

pub fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        // A date-formatted number (a forecast month) is still a number.
        Data::DateTime(d) => Some(d.as_f64()),
        _ => None,
    }
}

impl Sheet {
    pub fn get(&self, pos: (u32, u32)) -> &Data {
        static EMPTY: Data = Data::Empty;
        self.values.get(&pos).unwrap_or(&EMPTY)
    }

    /// The row whose column A reads `label`, after row `from`.
    pub fn row_of(&self, label: &str, from: u32) -> u32 {
        self.values
            .iter()
            .find(|((r, c), v)| *c == 0 && *r >= from && text(v) == label)
            .map(|((r, _), _)| *r)
            .unwrap_or_else(|| panic!("«{}»: no row «{label}»", self.name))
    }

    /// The value beside a label in column A.
    pub fn beside(&self, label: &str) -> &Data {
        self.get((self.row_of(label, 0), 1))
    }

    /// A table: its header row starts with `first` in column A; rows follow
    /// until column A is empty. Each row: header → (position, value).
    pub fn table(&self, first: &str) -> Vec<Row> {
        let h = self.row_of(first, 0);
        let headers: Vec<(u32, String)> = self
            .values
            .iter()
            .filter(|((r, _), v)| *r == h && !text(v).is_empty())
            .map(|((_, c), v)| (*c, text(v)))
            .collect();
        let mut out = Vec::new();
        let mut r = h + 1;
        while !text(self.get((r, 0))).is_empty() {
            out.push(
                headers
                    .iter()
                    .map(|(c, name)| (name.clone(), ((r, *c), self.get((r, *c)).clone())))
                    .collect(),
            );
            r += 1;
        }
        out
    }
}

pub fn cell<'a>(row: &'a Row, header: &str) -> &'a ((u32, u32), Data) {
    row.get(header)
        .unwrap_or_else(|| panic!("no column «{header}» in {:?}", row.keys().collect::<Vec<_>>()))
}

pub fn assert_num(d: &Data, expected: f64, what: &str) {
    let v = num(d).unwrap_or_else(|| panic!("{what}: expected {expected}, found {d:?}"));
    assert!(
        (v - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{what}: expected {expected}, found {v}"
    );
}

// ------------------------------------------------- a small formula engine

/// Evaluates the workbook's formulas over the stored values of the cells
/// they refer to: every formula must compute its own stored result.
pub mod eval {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    pub enum V {
        Num(f64),
        Str(String),
        Bool(bool),
        Empty,
        List(Vec<V>),
        /// An Excel error (#DIV/0!, #VALUE!): propagates like one.
        Err(String),
    }

    pub struct Ctx<'a> {
        pub book: &'a Book,
        pub sheet: &'a str,
    }

    struct P<'a> {
        s: Vec<char>,
        i: usize,
        ctx: &'a Ctx<'a>,
    }

    fn col_num(letters: &str) -> u32 {
        letters.chars().fold(0, |acc, c| acc * 26 + (c as u32 - 'A' as u32 + 1)) - 1
    }

    impl P<'_> {
        fn peek(&self) -> Option<char> {
            self.s.get(self.i).copied()
        }

        fn eat(&mut self, c: char) -> bool {
            if self.peek() == Some(c) {
                self.i += 1;
                true
            } else {
                false
            }
        }

        fn expr(&mut self) -> V {
            let a = self.add();
            let ops = ["<=", ">=", "<>", "=", "<", ">"];
            for op in ops {
                let chars: Vec<char> = op.chars().collect();
                if self.s[self.i..].starts_with(&chars) {
                    self.i += chars.len();
                    let b = self.add();
                    return compare(&a, &b, op);
                }
            }
            a
        }

        fn add(&mut self) -> V {
            let mut a = self.mul();
            loop {
                if self.eat('+') {
                    let b = self.mul();
                    a = arith(&a, &b, |x, y| Ok(x + y));
                } else if self.eat('-') {
                    let b = self.mul();
                    a = arith(&a, &b, |x, y| Ok(x - y));
                } else {
                    return a;
                }
            }
        }

        fn mul(&mut self) -> V {
            let mut a = self.unary();
            loop {
                if self.eat('*') {
                    let b = self.unary();
                    a = arith(&a, &b, |x, y| Ok(x * y));
                } else if self.eat('/') {
                    let b = self.unary();
                    a = arith(&a, &b, |x, y| if y == 0.0 { Err("#DIV/0!") } else { Ok(x / y) });
                } else {
                    return a;
                }
            }
        }

        fn unary(&mut self) -> V {
            if self.eat('-') {
                let v = self.unary();
                return arith(&V::Num(0.0), &v, |x, y| Ok(x - y));
            }
            self.primary()
        }

        fn primary(&mut self) -> V {
            match self.peek() {
                Some('(') => {
                    self.i += 1;
                    let v = self.expr();
                    assert!(self.eat(')'));
                    v
                }
                Some('"') => {
                    self.i += 1;
                    let mut out = String::new();
                    loop {
                        let c = self.s[self.i];
                        self.i += 1;
                        if c == '"' {
                            if self.eat('"') {
                                out.push('"');
                            } else {
                                break;
                            }
                        } else {
                            out.push(c);
                        }
                    }
                    V::Str(out)
                }
                Some(c) if c.is_ascii_digit() => {
                    let start = self.i;
                    while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                        self.i += 1;
                    }
                    V::Num(self.s[start..self.i].iter().collect::<String>().parse().unwrap())
                }
                Some('\'') => {
                    self.i += 1;
                    let mut name = String::new();
                    loop {
                        let c = self.s[self.i];
                        self.i += 1;
                        if c == '\'' {
                            if self.eat('\'') {
                                name.push('\'');
                            } else {
                                break;
                            }
                        } else {
                            name.push(c);
                        }
                    }
                    assert!(self.eat('!'));
                    self.reference(Some(name))
                }
                _ => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '$' || c == '_')
                    {
                        self.i += 1;
                    }
                    let word: String = self.s[start..self.i].iter().collect();
                    if self.peek() == Some('(') {
                        self.i += 1;
                        let mut args = Vec::new();
                        if !self.eat(')') {
                            loop {
                                args.push(self.expr());
                                if self.eat(')') {
                                    break;
                                }
                                assert!(self.eat(','), "bad argument list");
                            }
                        }
                        return call(&word, args);
                    }
                    self.i = start;
                    self.reference(None)
                }
            }
        }

        fn cell_ref(&mut self) -> (u32, u32) {
            self.eat('$');
            let mut letters = String::new();
            while self.peek().is_some_and(|c| c.is_ascii_uppercase()) {
                letters.push(self.s[self.i]);
                self.i += 1;
            }
            self.eat('$');
            let mut digits = String::new();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                digits.push(self.s[self.i]);
                self.i += 1;
            }
            assert!(!letters.is_empty() && !digits.is_empty(), "bad reference at {}", self.i);
            (digits.parse::<u32>().unwrap() - 1, col_num(&letters))
        }

        fn reference(&mut self, sheet: Option<String>) -> V {
            let sheet = sheet.unwrap_or_else(|| self.ctx.sheet.to_string());
            let a = self.cell_ref();
            let s = self.ctx.book.sheet(&sheet);
            if self.eat(':') {
                let b = self.cell_ref();
                let mut out = Vec::new();
                for r in a.0..=b.0 {
                    for c in a.1..=b.1 {
                        out.push(value(s.get((r, c))));
                    }
                }
                return V::List(out);
            }
            value(s.get(a))
        }
    }

    fn value(d: &Data) -> V {
        match d {
            Data::Float(f) => V::Num(*f),
            Data::Int(i) => V::Num(*i as f64),
            Data::String(s) => V::Str(s.clone()),
            Data::Bool(b) => V::Bool(*b),
            Data::Empty => V::Empty,
            Data::DateTime(d) => V::Num(d.as_f64()),
            other => panic!("unexpected cell {other:?}"),
        }
    }

    fn num_of(v: &V) -> Result<f64, V> {
        match v {
            V::Num(x) => Ok(*x),
            V::Empty => Ok(0.0),
            V::Bool(b) => Ok(f64::from(u8::from(*b))),
            V::Err(e) => Err(V::Err(e.clone())),
            _ => Err(V::Err("#VALUE!".into())),
        }
    }

    fn n(v: &V) -> f64 {
        num_of(v).unwrap_or_else(|e| panic!("a number expected, found {e:?}"))
    }

    fn arith(a: &V, b: &V, op: impl Fn(f64, f64) -> Result<f64, &'static str>) -> V {
        match (num_of(a), num_of(b)) {
            (Ok(x), Ok(y)) => op(x, y).map(V::Num).unwrap_or_else(|e| V::Err(e.into())),
            (Err(e), _) | (_, Err(e)) => e,
        }
    }

    fn truth(v: &V) -> bool {
        match v {
            V::Bool(b) => *b,
            V::Num(x) => *x != 0.0,
            other => panic!("condition {other:?}"),
        }
    }

    /// Excel's ordering: numbers < texts < booleans; texts without case.
    fn compare(a: &V, b: &V, op: &str) -> V {
        if let V::Err(e) = a {
            return V::Err(e.clone());
        }
        if let V::Err(e) = b {
            return V::Err(e.clone());
        }
        V::Bool(compare_values(a, b, op))
    }

    fn compare_values(a: &V, b: &V, op: &str) -> bool {
        let rank = |v: &V| match v {
            V::Num(_) | V::Empty => 0,
            V::Str(_) => 1,
            V::Bool(_) => 2,
            V::List(_) | V::Err(_) => 3,
        };
        let ord = match (a, b) {
            (V::Str(x), V::Str(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
            (V::Str(x), V::Empty) => {
                if x.is_empty() {
                    std::cmp::Ordering::Equal
                } else {
                    std::cmp::Ordering::Greater
                }
            }
            _ if rank(a) == rank(b) => n(a).partial_cmp(&n(b)).unwrap(),
            _ => rank(a).cmp(&rank(b)),
        };
        match op {
            "=" => ord.is_eq(),
            "<>" => !ord.is_eq(),
            "<" => ord.is_lt(),
            ">" => ord.is_gt(),
            "<=" => ord.is_le(),
            ">=" => ord.is_ge(),
            _ => unreachable!(),
        }
    }

    fn flat(args: Vec<V>) -> Vec<V> {
        args.into_iter()
            .flat_map(|a| match a {
                V::List(l) => l,
                other => vec![other],
            })
            .collect()
    }

    fn call(name: &str, args: Vec<V>) -> V {
        let lazy = name == "IF";
        if !lazy && let Some(e) = args.iter().find(|a| matches!(a, V::Err(_))) {
            return e.clone();
        }
        if lazy && let V::Err(e) = &args[0] {
            return V::Err(e.clone());
        }
        match name {
            "IF" => {
                if truth(&args[0]) {
                    args[1].clone()
                } else {
                    args.get(2).cloned().unwrap_or(V::Bool(false))
                }
            }
            "AND" => V::Bool(args.iter().all(truth)),
            "OR" => V::Bool(args.iter().any(truth)),
            "ISNUMBER" => V::Bool(matches!(args[0], V::Num(_))),
            "INT" => V::Num(n(&args[0]).floor()),
            // Texts and empty cells among references are skipped.
            "SUM" => V::Num(
                flat(args)
                    .iter()
                    .filter_map(|v| if let V::Num(x) = v { Some(*x) } else { None })
                    .sum(),
            ),
            "MAX" => V::Num(
                flat(args)
                    .iter()
                    .filter_map(|v| if let V::Num(x) = v { Some(*x) } else { None })
                    .fold(f64::NEG_INFINITY, f64::max),
            ),
            "MIN" => V::Num(
                flat(args)
                    .iter()
                    .filter_map(|v| if let V::Num(x) = v { Some(*x) } else { None })
                    .fold(f64::INFINITY, f64::min),
            ),
            "MOD" => V::Num(n(&args[0]).rem_euclid(n(&args[1]))),
            // Half away from zero, and away from zero, as Excel rounds.
            "ROUND" => {
                let k = 10f64.powi(n(&args[1]) as i32);
                V::Num((n(&args[0]) * k).round() / k)
            }
            "ROUNDUP" => {
                let k = 10f64.powi(n(&args[1]) as i32);
                let x = n(&args[0]) * k;
                V::Num(if x >= 0.0 { x.ceil() } else { x.floor() } / k)
            }
            "DATE" => V::Num(excel_date(n(&args[0]) as i64, n(&args[1]) as i64, n(&args[2]) as i64)),
            "SLOPE" | "INTERCEPT" => match line(&args[0], &args[1]) {
                Some((slope, intercept)) => V::Num(if name == "SLOPE" { slope } else { intercept }),
                None => V::Err("#DIV/0!".into()),
            },
            other => panic!("function {other} not supported"),
        }
    }

    /// The serial of a date in Excel's 1900 system (months beyond 12 roll
    /// over, as in Excel).
    fn excel_date(y: i64, m: i64, d: i64) -> f64 {
        let (y, m) = (y + (m - 1).div_euclid(12), (m - 1).rem_euclid(12) + 1);
        // Days from 1970-01-01 (Howard Hinnant), then Excel's epoch.
        let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let doy = (153 * m2 + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468 + 25_569) as f64
    }

    /// The least-squares line of (x, y) pairs where both are numbers.
    fn line(ys: &V, xs: &V) -> Option<(f64, f64)> {
        let list = |v: &V| match v {
            V::List(l) => l.clone(),
            other => vec![other.clone()],
        };
        let pairs: Vec<(f64, f64)> = list(xs)
            .iter()
            .zip(list(ys).iter())
            .filter_map(|(x, y)| match (x, y) {
                (V::Num(x), V::Num(y)) => Some((*x, *y)),
                _ => None,
            })
            .collect();
        let n = pairs.len() as f64;
        let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
        if pairs.len() < 2 || sxx == 0.0 {
            return None;
        }
        let slope = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx;
        Some((slope, my - slope * mx))
    }

    pub fn eval(ctx: &Ctx, formula: &str) -> V {
        let f = formula.strip_prefix('=').unwrap_or(formula);
        let mut p = P {
            s: f.chars().collect(),
            i: 0,
            ctx,
        };
        let v = p.expr();
        assert_eq!(p.i, p.s.len(), "formula {formula} not fully read");
        v
    }
}

/// Every formula, evaluated over the stored values it refers to, gives its
/// own stored result.
pub fn check_formulas_compute_their_results(book: &Book) -> usize {
    let mut n = 0;
    for sheet in book.sheets.values() {
        for (pos, f) in &sheet.formulas {
            let ctx = eval::Ctx {
                book,
                sheet: &sheet.name,
            };
            let got = eval::eval(&ctx, f);
            let stored = sheet.get(*pos);
            let what = format!("«{}» {pos:?} = {f}", sheet.name);
            match got {
                eval::V::Num(x) => assert_num(stored, x, &what),
                eval::V::Str(s) => assert_eq!(text(stored), s, "{what}"),
                other => panic!("{what}: evaluates to {other:?}"),
            }
            n += 1;
        }
    }
    n
}
