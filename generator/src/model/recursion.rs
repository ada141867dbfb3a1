//! Recursive types: a struct that contains itself, directly or through
//! other structs, needs a box somewhere in the cycle.

use std::collections::{BTreeMap, HashMap};

use super::{Type, TypeDef};

/// A struct that contains itself, directly or through other structs, has
/// infinite size; the fields that close such a cycle are boxed. Cycles are the
/// strongly connected components of the "field of type" graph (lists already
/// sit behind a pointer and do not count).
pub(super) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    let index: HashMap<String, usize> = names.iter().enumerate().map(|(i, name)| (name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|def| match def {
            TypeDef::Struct(def) => def
                .fields
                .iter()
                .filter_map(|field| match &field.ty {
                    Type::Named(target) => index.get(target).copied(),
                    _ => None,
                })
                .collect(),
            TypeDef::Enum(_) | TypeDef::Union(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, name) in names.iter().enumerate() {
        if let Some(TypeDef::Struct(def)) = types.get_mut(name) {
            for field in &mut def.fields {
                if let Type::Named(target) = &field.ty {
                    field.boxed = index.get(target).is_some_and(|&j| component[j] == component[i]);
                }
            }
        }
    }
}

/// Tarjan's algorithm, iterative so deep type graphs cannot overflow the stack.
/// Returns the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == UNSEEN {
                order[node] = next_order;
                low[node] = next_order;
                next_order += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNSEEN {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn cycles_share_a_component() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone.
        let component = strongly_connected(&[vec![1], vec![2], vec![0, 4], vec![3], vec![]]);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[0], component[4]);
        assert_ne!(component[3], component[4]);
    }
}
